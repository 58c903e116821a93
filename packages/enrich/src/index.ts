// @spoor/enrich: pure functions that turn request facts into analysable columns.
export { classifyBot, type BotVerdict, type BotSignals } from './bots.js';
export { correctClock, type ClockResult } from './clock.js';
export { ipPrefix, hashIp, isPublicIp } from './ip.js';
export { linkKind, parseUrl, referrerDomain, type UrlParts } from './url.js';
export { parseUserAgent, type UserAgentInfo } from './user-agent.js';
