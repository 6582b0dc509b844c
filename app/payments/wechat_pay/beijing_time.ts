/*
 * WeChat Pay v3 writes times as RFC 3339 in Beijing time (e.g. 2018-06-08T10:34:56+08:00):
 * time_expire, success_time, create_time.
 */
const BEIJING_OFFSET_MS = 8 * 3600_000

export function beijingTime(date: Date): string {
  return `${new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`
}
