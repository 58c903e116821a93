// @spoor/admin: the admin app (segment API and marketers' page) behind SPOOR_ADMIN_TOKEN.
export * from './app.js';
export * from './errors.js';
export { createAdminAuth, SESSION_COOKIE, type AdminAuth } from './middleware/bearer-auth/index.js';
