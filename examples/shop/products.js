// The demo shop's catalogue (prices in EUR).
window.SHOP_PRODUCTS = [
  { id: 'SKU-TEA-01', name: 'Sencha green tea', category: 'Tea', brand: 'Kyoto Leaf', price: 12.5 },
  { id: 'SKU-TEA-02', name: 'Earl Grey', category: 'Tea', brand: 'Harbour & Co', price: 9.9 },
  { id: 'SKU-CUP-01', name: 'Stoneware cup', category: 'Tableware', brand: 'Kiln', price: 18 },
  { id: 'SKU-POT-01', name: 'Cast-iron teapot', category: 'Tableware', brand: 'Kiln', price: 64 },
  { id: 'SKU-ACC-01', name: 'Bamboo whisk', category: 'Accessories', brand: 'Kyoto Leaf', price: 14.75 },
  { id: 'SKU-ACC-02', name: 'Tea strainer', category: 'Accessories', brand: 'Harbour & Co', price: 6.5 },
];
