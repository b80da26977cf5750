const DAY = 86_400;

/**
 * The next `count` expiries on the 08:00 UTC grid that are more than `minLead` seconds after `now`.
 *
 * The default lead is two days, not the registry's one-hour minimum: a listing made through the timelock executes
 * a delay later (one hour locally), and the registry wants more than `MIN_TIME_TO_EXPIRY` left at that moment. With a
 * one-hour lead, any run started in the two hours before 08:00 UTC listed an expiry that had become too near.
 */
export function gridExpiries(now: number, count: number, minLead = 2 * DAY): number[] {
  const out: number[] = [];
  let t = Math.floor(now / DAY) * DAY + 8 * 3_600;
  while (out.length < count) {
    if (t > now + minLead) out.push(t);
    t += DAY;
  }
  return out;
}
