// @spoor/erasure: `spoor forget` and the admin page's "forget this customer", one implementation.
export { forget, type ForgetRequest, type ForgetResult } from './forget.js';
