// The admin page's light client code, loaded under script-src 'self' (no inline code, no eval):
// draws each chart with the bundled uPlot from the data table it belongs to, and keeps the segment
// builder's size and preview up to date as the form changes. Without it the tables and the
// Preview button do the same work.
(function () {
  'use strict';

  var COLOURS = ['#2f6fdb', '#e07a1f', '#2e9e6a', '#b03a8c'];
  var compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  var percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

  function axisText(format) {
    return function (u, values) {
      return values.map(function (v) {
        return format === 'rate' ? percent.format(v) : compact.format(v);
      });
    };
  }

  function tableData(fig) {
    var table = document.getElementById(fig.getAttribute('data-table'));
    if (!table || !table.tHead || !table.tBodies[0]) return null;
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var xIndex = heads.findIndex(function (th) {
      return th.hasAttribute('data-x');
    });
    var keys = fig.getAttribute('data-series').split(',');
    var indexes = keys.map(function (k) {
      return heads.findIndex(function (th) {
        return th.getAttribute('data-key') === k;
      });
    });
    if (
      xIndex < 0 ||
      indexes.some(function (i) {
        return i < 0;
      })
    )
      return null;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (r) {
      return r.cells.length === heads.length;
    });
    return {
      labels: rows.map(function (r) {
        return r.cells[xIndex].textContent.trim();
      }),
      xs: rows.map(function (r) {
        return r.cells[xIndex].getAttribute('data-value');
      }),
      series: indexes.map(function (i) {
        return rows.map(function (r) {
          return Number(r.cells[i].getAttribute('data-value'));
        });
      }),
      names: indexes.map(function (i) {
        return heads[i].textContent.trim();
      }),
    };
  }

  function draw(fig) {
    var plot = fig.querySelector('.plot');
    var data = tableData(fig);
    if (!plot || !data || data.labels.length === 0) return;
    plot.textContent = '';
    var kind = fig.getAttribute('data-chart');
    var format = fig.getAttribute('data-format');
    var width = Math.max(200, plot.clientWidth || fig.clientWidth || 300);
    var height = fig.closest('.card') ? 120 : 240;
    var time =
      kind === 'line' &&
      data.xs.every(function (x) {
        return /^\d{4}-\d\d-\d\d/.test(x);
      });
    var x = time
      ? data.xs.map(function (d) {
          return Date.parse(d.replace(' ', 'T') + (d.length === 10 ? 'T00:00:00Z' : 'Z')) / 1000;
        })
      : data.labels.map(function (_, i) {
          return i;
        });
    var bars = kind === 'bars';
    var series = [{}].concat(
      data.series.map(function (_, i) {
        var s = {
          label: data.names[i],
          stroke: COLOURS[i % COLOURS.length],
          width: 2,
          value: function (u, v) {
            return v == null ? '' : format === 'rate' ? percent.format(v) : compact.format(v);
          },
        };
        if (bars) {
          s.fill = COLOURS[i % COLOURS.length];
          s.paths = uPlot.paths.bars({ size: [data.series.length > 1 ? 0.35 : 0.6, 80], align: data.series.length > 1 ? (i === 0 ? -1 : 1) : 0 });
        }
        return s;
      }),
    );
    var axes = [
      time
        ? {}
        : {
            values: function (u, ticks) {
              return ticks.map(function (t) {
                return data.labels[t] === undefined ? '' : data.labels[t].slice(0, 24);
              });
            },
            incrs: [1],
            space: 10,
          },
      { values: axisText(format), size: 56, space: 24 },
    ];
    new uPlot(
      {
        width: width,
        height: height,
        scales: {
          x: time
            ? {
                time: true,
                range: function (u, min, max) {
                  return min === max ? [min - 86400, max + 86400] : [min, max];
                },
              }
            : { time: false, range: [-0.5, data.labels.length - 0.5] },
          y: {
            range: function (u, min, max) {
              return [Math.min(0, min), max > 0 ? max * 1.1 : 1];
            },
          },
        },
        series: series,
        axes: axes,
        legend: { show: data.series.length > 1 },
        cursor: { drag: { x: false, y: false } },
      },
      [x].concat(data.series),
      plot,
    );
  }

  function drawAll() {
    if (typeof window.uPlot !== 'function') return;
    document.querySelectorAll('figure.chart').forEach(draw);
  }

  var resizeTimer;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawAll, 200);
  });

  // The segment builder: only the inputs a row's kind uses, the operators its field takes, and the
  // result fetched again (as server-rendered, escaped HTML) a moment after each change.
  function builder(form) {
    var fieldOps = JSON.parse(form.getAttribute('data-field-ops'));
    var traitOps = form.getAttribute('data-trait-ops').split(' ');
    var countOps = form.getAttribute('data-count-ops').split(' ');
    var labels = JSON.parse(form.getAttribute('data-op-labels'));

    function shape(row) {
      var get = function (n) {
        return row.querySelector('[name$="_' + n + '"]');
      };
      var kind = get('kind').value;
      var op = get('op');
      var ops = kind === 'trait' ? traitOps : kind === 'event' ? countOps : (fieldOps[get('field').value] || '').split(' ').filter(Boolean);
      var current = op.value;
      if (ops.length > 0) {
        op.textContent = '';
        [''].concat(ops).forEach(function (o) {
          var option = document.createElement('option');
          option.value = o;
          option.textContent = o === '' ? '(operator)' : labels[o] || o;
          op.appendChild(option);
        });
        op.value = ops.indexOf(current) >= 0 ? current : '';
      }
      var show = {
        'f-field': kind === 'field',
        'f-trait': kind === 'trait',
        'f-event': kind === 'event',
        'f-name': kind === 'event' && get('event').value === 'custom',
        'f-within': kind === 'event',
        'f-value2': op.value === 'between',
      };
      Object.keys(show).forEach(function (cls) {
        var el = row.querySelector('.' + cls);
        if (el) el.hidden = !show[cls];
      });
    }

    var seq = 0;
    var timer;
    function refresh() {
      var query = new URLSearchParams(new FormData(form)).toString();
      var mine = ++seq;
      fetch('/admin/segments/new/preview?' + query, { credentials: 'same-origin', headers: { accept: 'text/html' } })
        .then(function (res) {
          return res.text();
        })
        .then(function (text) {
          if (mine !== seq) return;
          var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('builder-result');
          var old = document.getElementById('builder-result');
          if (fresh && old) old.replaceWith(document.importNode(fresh, true));
          history.replaceState(null, '', '/admin/segments/new?' + query);
        })
        .catch(function () {
          /* the Preview button still works */
        });
    }

    form.querySelectorAll('fieldset.condition').forEach(shape);
    form.addEventListener('change', function (e) {
      var row = e.target.closest('fieldset.condition');
      if (row) shape(row);
    });
    ['input', 'change'].forEach(function (type) {
      form.addEventListener(type, function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 300);
      });
    });
  }

  function start() {
    drawAll();
    var form = document.getElementById('builder');
    if (form) builder(form);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
