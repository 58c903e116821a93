// Scheduled webhook deliveries of a segment, as the admin page sees them. The admin app does not
// run them itself: whoever mounts it (spoor up) passes an implementation that keeps the schedules
// where its worker runs them; without one the page says how to schedule from a shell.

export interface WebhookScheduleRequest {
  segment: string;
  url: string;
  /** A duration such as 15m, 1h, 1d. */
  every: string;
  params: Record<string, string>;
  site?: string | undefined;
}

export interface WebhookSchedule {
  id: string;
  segment: string;
  /** Scheme, host and path of the URL (a query string may carry a secret). */
  destination: string;
  every: string;
  params: Record<string, string>;
  site?: string | undefined;
}

export interface WebhookSchedules {
  list(segment: string): Promise<WebhookSchedule[]>;
  /** Checks the request (segment, URL, interval) and schedules it; the first run is right away. */
  add(req: WebhookScheduleRequest): Promise<WebhookSchedule>;
  remove(segment: string, id: string): Promise<boolean>;
}
