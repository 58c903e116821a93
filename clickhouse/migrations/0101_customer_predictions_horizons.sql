-- customer_predictions, the same rows as 0043 with its three horizons (30, 90 and 365 days) written
-- once, as an arrayMap over [30, 90, 365], instead of three copies of the hypergeometric series.
-- Planning those copies (lambdas in lambdas, each expanded on its own) was most of what a read of
-- the view cost, whatever the data: about 0.6 s of CPU to plan an empty database's view, 0.23 s
-- now. The Customer 360, the segment sizes and everything else that reads predictions pays it on
-- every query. Every figure is computed by the same operations in the same order (t / 7 for the
-- constant 30 / 7 and so on), so the values are identical: test/predictions.test.ts compares this
-- view with 0043's text row for row on fitted CDNOW data. docs/PREDICTIONS.md is unchanged.

CREATE OR REPLACE VIEW {{db}}.customer_predictions {{on_cluster}} AS
WITH
    -- e^u − 1, accurate near 0 (ClickHouse has no expm1).
    (u) -> if(abs(u) < 1e-5, u + u * u / 2 + u * u * u / 6, exp(u) - 1) AS em1,
    -- Terms of a 2F1(A, B; C; z) series for a tail below 1e-16 of its sum: they rise while
    -- (A+k)(B+k)z > (C+k)(k+1), then fall at least like z^k.
    (sa, sb, z) -> 12 + 40 / -log(z) + 3 * (sa + sb) * z / (1 - z) AS series_terms,
    (n) -> toUInt32(if(isFinite(n) AND n > 0, least(n, 100000), 0)) AS terms,
    -- Logs of the terms of S = Σ_{k≥1} (A)_k (B)_k z^k / ((C+1)_{k−1} k!) relative to its first
    -- term: every term is positive, also when C = a+b+x−1 lies in (−1, 0); C · 2F1(A, B; C; z) = C + S.
    (ga, gb, gc, z, n) -> arrayConcat([0.], arrayCumSum(arrayMap(k -> log((ga + k) * (gb + k) * z / ((gc + k) * (k + 1))), range(1, n)))) AS series_logs,
    -- ln Σ e^v, given max(v).
    (v, vmax) -> vmax + log(arraySum(arrayMap(e -> exp(e - vmax), v))) AS log_sum_exp,
    -- E[purchases in (T, T + t] | alive at T] = (C·(1 − P0) − P0·S) / (a − 1), with P0 = e^l0 and
    -- ln S = ln(A·B·z) + ls.
    (ga, gb, gc, ea, z, l0, ls) -> (-gc * em1(l0) - exp(l0 + log(ga * gb * z) + ls)) / (ea - 1) AS alive_expected,
    -- A finite, non-negative figure (NaN and infinities become 0).
    (v) -> if(isFinite(v), greatest(v, 0.), 0.) AS clean,
    -- Money as the schema keeps it, rounded to 4 places.
    (v) -> toDecimal64(least(clean(v), 1e13), 4) AS money
SELECT
    site_id,
    customer_id,
    as_of,
    orders,
    x,
    t_x,
    T,
    t_x_days,
    T_days,
    first_order_at,
    last_order_at,
    mean_repeat_value,
    p_alive,
    expected_purchases_30d,
    expected_purchases_90d,
    expected_purchases_365d,
    expected_order_value,
    predicted_value_365d,
    next_purchase_at,
    toUInt8(1 + intDiv(5 * (rank() OVER (PARTITION BY site_id ORDER BY predicted_value_365d ASC) - 1), count() OVER (PARTITION BY site_id))) AS value_score,
    method,
    value_method,
    method_reason,
    bgnbd_params,
    gamma_gamma_params,
    model_as_of
FROM
(
    SELECT
        h.site_id AS site_id,
        c.1 AS customer_id,
        h.as_of AS as_of,
        c.2 AS orders,
        h.x AS x,
        c.3 AS t_x,
        h.T AS T,
        c.4 AS t_x_days,
        h.T_days AS T_days,
        c.5 AS first_order_at,
        c.6 AS last_order_at,
        c.7 AS mean_repeat_value,
        c.8 AS mean_day_value,
        c.9 AS last_purchase_day,
        h.use_bgnbd AS use_bgnbd,
        h.bgnbd_params AS bgnbd_params,
        h.gamma_gamma_params AS gamma_gamma_params,
        h.model_as_of AS model_as_of,
        h.method AS method,
        h.method_reason AS method_reason,
        h.m_r AS m_r,
        h.m_alpha AS m_alpha,
        h.m_a AS m_a,
        h.m_b AS m_b,
        if(x = 0, 1., 1 / (1 + exp(log(m_a) - log(m_b + x - 1) + (m_r + x) * (log(m_alpha + T) - log(m_alpha + t_x))))) AS bg_p_alive,
        -- The heuristic: the customer's own rhythm, else the site's.
        greatest(7., if(x > 0, t_x_days / x, if(h.site_x > 0, h.site_t_x_days / h.site_x, 90.))) AS h_gap_days,
        exp(-(T_days - t_x_days) / h_gap_days) AS h_p_alive,
        least(clean(if(use_bgnbd, bg_p_alive, h_p_alive)), 1.) AS p_alive,
        clean(if(use_bgnbd, bg_p_alive * h.alive_30d, h_p_alive * 30 / h_gap_days)) AS expected_purchases_30d,
        clean(if(use_bgnbd, bg_p_alive * h.alive_90d, h_p_alive * 90 / h_gap_days)) AS expected_purchases_90d,
        clean(if(use_bgnbd, bg_p_alive * h.alive_365d, h_p_alive * 365 / h_gap_days)) AS expected_purchases_365d,
        -- Gamma-Gamma, when fitted with a finite population mean (q > 1).
        h.gg_status = 'fitted' AND gamma_gamma_params['q'] > 1 AS use_gamma_gamma,
        if(use_gamma_gamma, 'gamma_gamma', 'heuristic') AS value_method,
        gamma_gamma_params['p'] AS m_p,
        gamma_gamma_params['q'] AS m_q,
        gamma_gamma_params['gamma'] AS m_gamma,
        if(x >= 1,
            (m_gamma + greatest(toFloat64(mean_repeat_value), 0.) * x) * m_p / (m_p * x + m_q - 1),
            m_gamma * m_p / (m_q - 1)) AS gg_value,
        greatest(toFloat64(if(x > 0, mean_repeat_value, mean_day_value)), 0.) AS h_value,
        money(if(use_gamma_gamma, gg_value, h_value)) AS expected_order_value,
        money(expected_purchases_365d * toFloat64(expected_order_value)) AS predicted_value_365d,
        -- Median wait for the next purchase, in days, when another one is more likely than not.
        if(bg_p_alive > 0.5, (m_alpha + T) * em1(-log1p(-1 / (2 * bg_p_alive)) / (m_r + x)) * 7, NULL) AS bg_next_days,
        if(use_bgnbd,
            if(isFinite(bg_next_days) AND bg_next_days <= 3650,
                toDateTime64(as_of, 3, 'UTC') + toIntervalMillisecond(toInt64(bg_next_days * 86400000)), NULL),
            toDateTime64(last_purchase_day, 3, 'UTC') + toIntervalMillisecond(toInt64(h_gap_days * 86400000))) AS next_purchase_at
    FROM
    (
        -- One row per site, x and T_days: the expectations that depend on nothing else.
        SELECT
            i.site_id AS site_id,
            i.as_of AS as_of,
            i.x AS x,
            i.T_days AS T_days,
            i.T AS T,
            groupArray((i.customer_id, i.orders, i.t_x, i.t_x_days, i.first_order_at, i.last_order_at,
                i.mean_repeat_value, i.mean_day_value, i.last_purchase_day)) AS customers,
            any(i.site_t_x_days) AS site_t_x_days,
            any(i.site_x) AS site_x,
            any(bg.status) = 'fitted' AS use_bgnbd,
            any(bg.params) AS bgnbd_params,
            any(gg.params) AS gamma_gamma_params,
            any(gg.status) AS gg_status,
            if(use_bgnbd, any(bg.as_of), NULL) AS model_as_of,
            if(use_bgnbd, 'bgnbd', 'heuristic') AS method,
            multiIf(use_bgnbd, '', any(bg.status) = '', 'no model has been fitted for this site yet', any(bg.reason)) AS method_reason,
            bgnbd_params['r'] AS m_r,
            bgnbd_params['alpha'] AS m_alpha,
            bgnbd_params['b'] AS m_b,
            bgnbd_params['a'] AS m_a,
            -- Near a = 1 the closed form is 0/0: interpolate between a = 1 ± 1e-4 instead (hi is
            -- only summed then).
            abs(m_a - 1) < 1e-4 AS m_near_one,
            if(m_near_one, 1 - 1e-4, m_a) AS m_a_lo,
            1 + 1e-4 AS m_a_hi,
            (m_a - m_a_lo) / 2e-4 AS m_weight,
            m_r + x AS g_A,
            m_b + x AS g_B,
            m_a_lo + m_b + x - 1 AS g_C_lo,
            m_a_hi + m_b + x - 1 AS g_C_hi,
            -- The three horizons through one expression (t days; planning the series once instead of
            -- three times is most of this view's cost): per horizon z, ln P0, the series' terms (lo,
            -- and hi near a = 1), then E[purchases] interpolated near a = 1.
            arrayMap(t -> (
                t / 7 / (m_alpha + T + t / 7),
                -g_A * log1p(t / 7 / (m_alpha + T)),
                terms(if(use_bgnbd, series_terms(g_A, g_B, t / 7 / (m_alpha + T + t / 7)), 0))), [30, 90, 365]) AS h_zln,
            arrayMap(h -> (
                h.1, h.2,
                series_logs(g_A, g_B, g_C_lo, h.1, h.3),
                series_logs(g_A, g_B, g_C_hi, h.1, if(m_near_one, h.3, 0))), h_zln) AS h_series,
            arrayMap(h -> (
                alive_expected(g_A, g_B, g_C_lo, m_a_lo, h.1, h.2, log_sum_exp(h.3, arrayMax(h.3))),
                alive_expected(g_A, g_B, g_C_hi, m_a_hi, h.1, h.2, log_sum_exp(h.4, arrayMax(h.4)))), h_series) AS h_e,
            arrayMap(e -> if(use_bgnbd, if(m_near_one, e.1 + m_weight * (e.2 - e.1), e.1), 0.), h_e) AS h_alive,
            h_alive[1] AS alive_30d,
            h_alive[2] AS alive_90d,
            h_alive[3] AS alive_365d
        FROM
        (
            SELECT
                *,
                sum(t_x_days) OVER (PARTITION BY site_id) AS site_t_x_days,
                sum(x) OVER (PARTITION BY site_id) AS site_x
            FROM {{db}}.prediction_inputs(as_of = toDate(now(), 'UTC'))
        ) AS i
        LEFT JOIN
        (
            SELECT site_id, latest.1 AS status, latest.2 AS reason, latest.3 AS params, latest.4 AS as_of
            FROM
            (
                SELECT site_id, argMax((status, reason, params, as_of), (as_of, fitted_at)) AS latest
                FROM {{db}}.prediction_fits
                WHERE model = 'bgnbd'
                GROUP BY site_id
            )
        ) AS bg ON bg.site_id = i.site_id
        LEFT JOIN
        (
            SELECT site_id, latest.1 AS status, latest.3 AS params
            FROM
            (
                SELECT site_id, argMax((status, reason, params, as_of), (as_of, fitted_at)) AS latest
                FROM {{db}}.prediction_fits
                WHERE model = 'gamma_gamma'
                GROUP BY site_id
            )
        ) AS gg ON gg.site_id = i.site_id
        GROUP BY i.site_id, i.as_of, i.x, i.T_days, i.T
    ) AS h
    ARRAY JOIN h.customers AS c
)
COMMENT 'Predictions per customer as of today: inputs (x, t_x, T in weeks), p_alive, expected purchases in 30/90/365 days, expected order value, predicted value over 365 days, next purchase, value_score 1-5 (quintile), method bgnbd or heuristic, and the site''s parameters.';
