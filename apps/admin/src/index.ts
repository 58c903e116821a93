// @spoor/admin: the admin app (segment API and the marketer's workspace) behind SPOOR_ADMIN_TOKEN.
export { createAdminApp, type AdminOptions, type AdminApp } from './app.js';
export { describeError, renderError, AdminError } from './errors.js';
export { createAdminAuth, SESSION_COOKIE, type AdminAuth } from './middleware/bearer-auth/index.js';
export { CSRF_FIELD } from './middleware/session/forms.js';
export { type WebhookScheduleRequest, type WebhookSchedule, type WebhookSchedules } from './webhooks.js';
