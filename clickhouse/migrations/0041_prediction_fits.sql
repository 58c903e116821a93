-- Fits of the purchase models (`spoor predict fit`, and the schedule in spoor up / spoor worker):
-- one row per site, model and attempt, whether it was fitted or refused and why. prediction_models
-- shows the fitted ones; customer_predictions uses each site's attempt with the latest as-of date.
CREATE TABLE IF NOT EXISTS {{db}}.prediction_fits {{on_cluster}}
(
    site_id LowCardinality(String),
    model LowCardinality(String) COMMENT 'bgnbd (purchases, P(alive)) or gamma_gamma (value per order)',
    as_of Date COMMENT 'The inputs were computed from orders up to the end of this UTC day',
    fitted_at DateTime64(3, 'UTC') COMMENT 'When the attempt ran',
    status LowCardinality(String) COMMENT 'fitted, or refused (too few repeat buyers, no convergence, ...)',
    reason String COMMENT 'Why a fit was refused; empty when fitted',
    params Map(String, Float64) COMMENT 'bgnbd: r, alpha, a, b (weeks); gamma_gamma: p, q, gamma. Empty when refused',
    log_likelihood Float64 COMMENT 'At the fitted parameters; 0 when refused',
    customers UInt64 COMMENT 'Customers the model was fitted on: bgnbd all with an order, gamma_gamma the repeat buyers with a positive mean value',
    repeat_buyers UInt64 COMMENT 'Customers with at least one repeat purchase day',
    iterations UInt32 COMMENT 'Simplex steps of the optimiser, over all its starts and restarts',
    fit_ms UInt32 COMMENT 'Time the fit took'
)
ENGINE = MergeTree
ORDER BY (site_id, model, as_of, fitted_at)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'Every fit attempt of the purchase models per site: fitted (with parameters) or refused (with the reason). Query prediction_models for the fitted ones.';

CREATE VIEW IF NOT EXISTS {{db}}.prediction_models {{on_cluster}} AS
SELECT site_id, model, as_of, params, log_likelihood, customers, fitted_at, repeat_buyers, iterations, fit_ms
FROM {{db}}.prediction_fits
WHERE status = 'fitted'
COMMENT 'One row per fitted purchase model: site, model (bgnbd: r, alpha, a, b; gamma_gamma: p, q, gamma), as-of date, parameters, log-likelihood, customers, fit time.';
