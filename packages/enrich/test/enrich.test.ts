import { describe, expect, it } from 'vitest';
import { CLOCK } from '@spoor/events';
import { classifyBot, correctClock, hashIp, ipPrefix, isPublicIp, linkKind, parseUrl, parseUserAgent, referrerDomain } from '../src/index.js';

const DAY = 86_400_000;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('correctClock', () => {
  const now = 1_750_000_000_000;

  it('trusts a device clock that is close to the server, so retries keep their ts', () => {
    expect(correctClock(now - 5_000, now - 1_000 + 30_000, now)).toEqual({ ok: true, ts: now - 5_000, flags: [] });
  });

  it('shifts events from a device clock three days ahead', () => {
    const skew = 3 * DAY;
    const r = correctClock(now + skew - 60_000, now + skew, now);
    expect(r).toEqual({ ok: true, ts: now - 60_000, flags: ['clock_corrected'] });
  });

  it('clamps the future, flags late events, refuses events older than 30 days', () => {
    expect(correctClock(now + DAY, null, now)).toEqual({ ok: true, ts: now, flags: ['no_sent_at', 'clock_clamped'] });
    expect(correctClock(now - 4 * DAY, now, now)).toMatchObject({ ok: true, flags: ['late'] });
    expect(correctClock(now - 40 * DAY, now, now)).toMatchObject({ ok: false, reason: 'too_old' });
    expect(correctClock(now - CLOCK.maxAgeMs + 1000, now, now).ok).toBe(true);
  });

  it('takes events of any age from a sender whose limit is lifted (a shop backend reporting its history)', () => {
    expect(correctClock(now - 400 * DAY, now, now, Infinity)).toEqual({ ok: true, ts: now - 400 * DAY, flags: ['late'] });
    expect(correctClock(now - 40 * DAY, now, now, 60 * DAY).ok).toBe(true);
  });

  it('falls back to the device clock when sent_at is missing, and says so', () => {
    expect(correctClock(now - 1000, null, now)).toEqual({ ok: true, ts: now - 1000, flags: ['no_sent_at'] });
  });
});

describe('IP anonymisation', () => {
  it('keeps only the network prefix', () => {
    expect(ipPrefix('203.0.113.77')).toBe('203.0.113.0');
    expect(ipPrefix('::ffff:203.0.113.77')).toBe('203.0.113.0');
    expect(ipPrefix('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::');
    expect(ipPrefix('not an ip')).toBe('');
  });

  it('tells client addresses on the internet from proxies, load balancers and local peers', () => {
    for (const ip of ['203.0.113.7', '8.8.8.8', '::ffff:198.51.100.2', '2001:db8::1', '172.32.0.1', '100.128.0.1']) expect(isPublicIp(ip), ip).toBe(true);
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.1.1',
      '100.64.0.1',
      '::1',
      '::',
      '::ffff:10.0.0.1',
      'fd12::1',
      'fe80::1',
      '',
      'x',
    ])
      expect(isPublicIp(ip), ip).toBe(false);
  });

  it('hashes with the salt and the site, so hashes differ across days and sites', () => {
    const a = hashIp('203.0.113.77', 'salt-1', 'shop');
    expect(a).toHaveLength(22);
    expect(a).not.toContain('203');
    expect(hashIp('203.0.113.77', 'salt-2', 'shop')).not.toBe(a);
    expect(hashIp('203.0.113.77', 'salt-1', 'blog')).not.toBe(a);
    expect(hashIp('203.0.113.77', 'salt-1', 'shop')).toBe(a);
  });
});

describe('URLs and referrers', () => {
  it('extracts host, path and UTM tags', () => {
    expect(parseUrl('https://Shop.Example/p/tea?utm_source=Newsletter&utm_medium=email&utm_campaign=Spring')).toMatchObject({
      host: 'shop.example',
      path: '/p/tea',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'Spring',
    });
    expect(parseUrl('https://shop.example/#/cart?x=1').path).toBe('/cart');
    expect(parseUrl('not a url').host).toBe('');
  });

  it('names the referring domain, not the site itself', () => {
    expect(referrerDomain('https://www.google.com/search?q=tea', 'shop.example')).toBe('google.com');
    expect(referrerDomain('https://shop.example/other', 'shop.example')).toBe('');
    expect(referrerDomain(undefined)).toBe('');
  });

  it('tells outbound links and downloads from the href and the page', () => {
    const page = 'https://shop.example/p/tea';
    expect(linkKind('https://other.example/x', page)).toBe('outbound');
    expect(linkKind('http://shop.example:8080/x', page)).toBe('outbound'); // another port is another host
    expect(linkKind('https://shop.example/cart', page)).toBe('');
    expect(linkKind('https://shop.example/files/Menu.PDF', page)).toBe('download');
    expect(linkKind('https://cdn.example/app.dmg?v=2', page)).toBe('download'); // a download wins over outbound
    expect(linkKind('/guide.docx', page)).toBe('download');
    expect(linkKind('mailto:team@shop.example', page)).toBe('');
    expect(linkKind('javascript:void(0)', page)).toBe('');
    expect(linkKind('https://shop.example/pdf', page)).toBe('');
    expect(linkKind('', page)).toBe('');
    expect(linkKind('https://other.example/', undefined)).toBe('');
    expect(linkKind('http://[bad', page)).toBe('');
  });
});

describe('user agents and bots', () => {
  it('parses browser, OS and device', () => {
    expect(parseUserAgent(CHROME)).toMatchObject({ browser: 'Chrome', browser_version: '126', os: 'Windows', device_type: 'desktop' });
    expect(parseUserAgent(IPHONE)).toMatchObject({ browser: 'Mobile Safari', os: 'iOS', device_type: 'mobile' });
  });

  it('flags crawlers, headless browsers and prefetches, with a reason', () => {
    expect(classifyBot({ userAgent: CHROME })).toEqual({ is_bot: false, reason: '' });
    expect(classifyBot({ userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' })).toMatchObject({
      is_bot: true,
      reason: expect.stringMatching(/^ua:/),
    });
    expect(classifyBot({ userAgent: CHROME.replace('Chrome/', 'HeadlessChrome/') })).toEqual({ is_bot: true, reason: 'headless' });
    expect(classifyBot({ userAgent: CHROME, prefetch: true })).toEqual({ is_bot: true, reason: 'prefetch' });
    expect(classifyBot({ userAgent: '' })).toEqual({ is_bot: true, reason: 'empty_ua' });
  });
});
