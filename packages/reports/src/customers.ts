// One customer, everything: search (23), profile figures and predictions (24), browsers (25) and the
// timeline across them (26).
import type { Warehouse } from '@spoor/warehouse';
import { num, runTable, str, type Column, type Table } from './table.js';

export interface CustomerMatch {
  site_id: string;
  customer_id: string;
  matched: string;
  email: string;
}

export function searchCustomers(wh: Warehouse, site: string, q: string): Promise<Table<CustomerMatch>> {
  return runTable<CustomerMatch>(wh, 'customerSearch', { site, q }, [str('site_id'), str('customer_id'), str('matched'), str('email')]);
}

export interface CustomerProfile {
  site_id: string;
  customer_id: string;
  has_orders: number;
  orders: number;
  revenue: number;
  avg_order_value: number;
  items: number;
  first_order_at: string;
  last_order_at: string;
  recency_days: number;
  r_score: number;
  f_score: number;
  m_score: number;
  lifecycle: string;
  has_prediction: number;
  p_alive: number;
  expected_purchases_90d: number;
  expected_purchases_365d: number;
  predicted_value_365d: number;
  next_purchase_at: string | null;
  prediction_method: string;
  traits: Record<string, string>;
  /** The prediction row exactly, as text by segment field name (empty without a prediction). */
  prediction_fields: Record<string, string>;
}

export interface CustomerDevice {
  visitor_id: string;
  device_type: string;
  browser: string;
  os: string;
  first_seen: string;
  last_seen: string;
  sessions: number;
  pageviews: number;
  cart_adds: number;
  orders: number;
  revenue: number;
  first_utm_source: string;
  first_referrer_domain: string;
  is_bot: number;
  cookieless: number;
}

export interface TimelineEvent {
  ts: string;
  visitor_id: string;
  session_id: string;
  type: string;
  name: string;
  path: string;
  referrer_domain: string;
  utm_source: string;
  product_id: string;
  product_name: string;
  quantity: number;
  cart_value: number;
  order_id: string;
  revenue: number;
  device_type: string;
}

export interface Customer360 {
  profile: CustomerProfile;
  devices: Table<CustomerDevice>;
  timeline: Table<TimelineEvent>;
}

const DEVICE_COLUMNS: Array<Column<CustomerDevice>> = [
  str('visitor_id'),
  str('device_type'),
  str('browser'),
  str('os'),
  str('first_seen'),
  str('last_seen'),
  num('sessions'),
  num('pageviews'),
  num('cart_adds'),
  num('orders'),
  num('revenue'),
  str('first_utm_source'),
  str('first_referrer_domain'),
  num('is_bot'),
  num('cookieless'),
];

const TIMELINE_COLUMNS: Array<Column<TimelineEvent>> = [
  str('ts'),
  str('visitor_id'),
  str('session_id'),
  str('type'),
  str('name'),
  str('path'),
  str('referrer_domain'),
  str('utm_source'),
  str('product_id'),
  str('product_name'),
  num('quantity'),
  num('cart_value'),
  str('order_id'),
  num('revenue'),
  str('device_type'),
];

/** The browsers of a customer (25_customer_devices.sql), most recently seen first. */
export function customerDevices(wh: Warehouse, site: string, customer: string): Promise<Table<CustomerDevice>> {
  return runTable<CustomerDevice>(wh, 'customerDevices', { site, customer }, DEVICE_COLUMNS);
}

/** The latest `limit` events across the customer's browsers (26_customer_timeline.sql). @defaultValue 300 */
export function customerTimeline(wh: Warehouse, site: string, customer: string, limit = 300): Promise<Table<TimelineEvent>> {
  return runTable<TimelineEvent>(wh, 'customerTimeline', { site, customer, limit }, TIMELINE_COLUMNS);
}

/** The profile figures, predictions and traits: always one row (24_customer_profile.sql). */
export async function customerProfile(wh: Warehouse, site: string, customer: string): Promise<CustomerProfile> {
  return (await runTable<CustomerProfile>(wh, 'customerProfile', { site, customer }, [])).rows[0]!;
}

/** All of one customer's 360° view at once. @defaultValue 300 events in the timeline */
export async function customer360(wh: Warehouse, site: string, customer: string, limit = 300): Promise<Customer360> {
  const [profile, devices, timeline] = await Promise.all([
    customerProfile(wh, site, customer),
    customerDevices(wh, site, customer),
    customerTimeline(wh, site, customer, limit),
  ]);
  return { profile, devices, timeline };
}
