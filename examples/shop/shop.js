// Demo shop logic: a cart in localStorage, and the Spoor calls a real shop would make.
(function () {
  var KEY = 'demo_cart';
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || '[]'); } catch (e) { return []; }
  }
  function save(cart) {
    try { localStorage.setItem(KEY, JSON.stringify(cart)); } catch (e) { /* storage off */ }
    render();
  }
  function find(id) {
    return window.SHOP_PRODUCTS.filter(function (p) { return p.id === id; })[0];
  }
  function total(cart) {
    return Math.round(cart.reduce(function (s, l) { return s + l.price * l.quantity; }, 0) * 100) / 100;
  }
  function item(p, qty) {
    return { id: p.id, name: p.name, category: p.category, brand: p.brand, price: p.price, quantity: qty, currency: 'EUR' };
  }
  function render() {
    var n = load().reduce(function (s, l) { return s + l.quantity; }, 0);
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
      var line = cart.filter(function (l) { return l.id === id; })[0];
      if (line) line.quantity += 1; else cart.push(item(p, 1));
      save(cart);
      spoor.cart.add(item(p, 1));
    },
    remove: function (id) {
      var cart = load();
      var line = cart.filter(function (l) { return l.id === id; })[0];
      save(cart.filter(function (l) { return l.id !== id; }));
      if (line) spoor.cart.remove(line);
    },
    checkout: function () {
      var cart = load();
      spoor.cart.checkout({ items: cart, value: total(cart) });
    },
    purchase: function (email) {
      var cart = load();
      if (cart.length === 0) return null;
      var order = {
        order_id: 'ORD-' + Date.now().toString(36).toUpperCase(),
        revenue: total(cart),
        currency: 'EUR',
        items: cart,
      };
      if (email) spoor.identify(email, { email: email });
      spoor.cart.purchase(order);
      save([]);
      return Promise.resolve(spoor.flush()).then(function () { return order; });
    },
  };
  document.addEventListener('DOMContentLoaded', render);
})();
