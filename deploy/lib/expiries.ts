const DAY = 86_400;

/** The next `count` expiries on the 08:00 UTC grid that are more than `minLead` seconds after `now`. */
export function gridExpiries(now: number, count: number, minLead = 3_600): number[] {
  const out: number[] = [];
  let t = Math.floor(now / DAY) * DAY + 8 * 3_600;
  while (out.length < count) {
    if (t > now + minLead) out.push(t);
    t += DAY;
  }
  return out;
}
