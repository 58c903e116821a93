// The shop platforms whose order webhooks the collector takes (`/v1/hooks/<platform>/:site`).

export const HOOK_PLATFORMS = ['shopify', 'woocommerce', 'stripe'] as const;

export type HookPlatform = (typeof HOOK_PLATFORMS)[number];

export function isHookPlatform(value: string): value is HookPlatform {
  return (HOOK_PLATFORMS as readonly string[]).includes(value);
}
