// Demo shop logic: a cart in localStorage, and the Spoor calls a real shop would make.
(function () {
  var KEY = 'demo_cart';
  function load() {
    try {
      return JSON.parse(localStorage.getItem(KEY) || '[]');
    } catch (e) {
      return [];
    }
  }
  function save(cart) {
    try {
      localStorage.setItem(KEY, JSON.stringify(cart));
    } catch (e) {
      /* storage off */
    }
    render();
  }
  function find(id) {
    return window.SHOP_PRODUCTS.filter(function (p) {
      return p.id === id;
    })[0];
  }
  function total(cart) {
    return (
      Math.round(
        cart.reduce(function (s, l) {
          return s + l.price * l.quantity;
        }, 0) * 100,
      ) / 100
    );
  }
  function item(p, qty) {
    return { id: p.id, name: p.name, category: p.category, brand: p.brand, price: p.price, quantity: qty, currency: 'EUR' };
  }
  function render() {
    var n = load().reduce(function (s, l) {
      return s + l.quantity;
    }, 0);
    var el = document.getElementById('cart-count');
    if (el) el.textContent = String(n);
  }

  window.shop = {
    cart: load,
    total: total,
    find: find,
    add: function (id) {
      var p = find(id);
      var cart = load();
      var line = cart.filter(function (l) {
        return l.id === id;
      })[0];
      if (line) line.quantity += 1;
      else cart.push(item(p, 1));
      save(cart);
      spoor.cart.add(item(p, 1));
    },
    remove: function (id) {
      var cart = load();
      var line = cart.filter(function (l) {
        return l.id === id;
      })[0];
      save(
        cart.filter(function (l) {
          return l.id !== id;
        }),
      );
      if (line) spoor.cart.remove(line);
    },
    checkout: function () {
      var cart = load();
      spoor.cart.checkout({ items: cart, value: total(cart) });
    },
    purchase: function (email, firstName) {
      var cart = load();
      if (cart.length === 0) return null;
      var order = {
        order_id: 'ORD-' + Date.now().toString(36).toUpperCase(),
        revenue: total(cart),
        currency: 'EUR',
        items: cart,
      };
      if (email) spoor.identify(email, firstName ? { email: email, first_name: firstName } : { email: email });
      spoor.cart.purchase(order);
      save([]);
      return Promise.resolve(spoor.flush()).then(function () {
        return order;
      });
    },
  };
  document.addEventListener('DOMContentLoaded', render);

  // What Spoor knows about this visitor (the SDK's recommend module, /v1/me), once the script has
  // loaded: a greeting by name after identify, and the cart left in an earlier visit. All values
  // are set as text, never as HTML.
  function text(id, value) {
    var el = document.getElementById(id);
    if (el) {
      el.textContent = value;
      el.hidden = !value;
    }
  }
  window.addEventListener('load', function () {
    if (typeof spoor.profile !== 'function') return;
    spoor.profile().then(function (me) {
      if (!me.known) return;
      var name = me.customer && me.customer.traits && me.customer.traits.first_name;
      text('greeting', name ? 'Welcome back, ' + name + '!' : me.returning ? 'Welcome back!' : '');
      // A cart kept by Spoor but not in this browser's own storage: left in an earlier visit elsewhere.
      if (me.cart && me.cart.items.length && load().length === 0) {
        text(
          'left-cart',
          'Still in your cart: ' +
            me.cart.items
              .map(function (l) {
                return (l.name || l.id) + ' × ' + l.quantity;
              })
              .join(', ') +
            ' (' +
            me.cart.value +
            ' ' +
            me.cart.currency +
            ')',
        );
      }
    });
  });
})();
