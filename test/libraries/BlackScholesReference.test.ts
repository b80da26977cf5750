import { expect } from "chai";
import {
  blackScholes,
  div,
  erfSeries,
  exp,
  ln,
  LN2,
  normalCdf,
  normalCdfSeries,
  normalTailContinuedFraction,
  ONE,
  PI,
  sqrt,
  WAD,
} from "../utils/reference/blackScholes.js";

/** |a - b| <= tolerance, all in the reference's fixed point. */
function near(a: bigint, b: bigint, tolerance: bigint, what: string) {
  const d = a > b ? a - b : b - a;
  expect(d <= tolerance, `${what}: differ by ${d}`).to.equal(true);
}

/** A decimal string with 60 digits after the point, as the reference's fixed point. */
const dec = (s: string): bigint => {
  const [i, f = ""] = s.split(".");
  return BigInt(i) * ONE + BigInt(f.padEnd(60, "0").slice(0, 60));
};

// 1e-45 of slack: the reference claims at least 45 correct digits; the constants below have 40 to 60.
const TIGHT = 10n ** 15n;

describe("Black-Scholes reference (60-digit bigint)", () => {
  it("reproduces published constants: pi, ln 2", () => {
    near(PI, dec("3.141592653589793238462643383279502884197169399375105820974944"), TIGHT, "pi");
    near(LN2, dec("0.693147180559945309417232121458176568075500134360255254120680"), TIGHT, "ln 2");
  });

  it("reproduces known values of the normal CDF", () => {
    expect(normalCdf(0n)).to.equal(ONE / 2n);
    near(normalCdf(ONE), dec("0.8413447460685429485852325456320379224779"), 10n ** 20n, "Phi(1)");
    near(normalCdf(-3n * ONE), dec("0.00134989803163009452665181476759"), 10n ** 28n, "Phi(-3)");
  });

  it("agrees with itself by two independent methods: the positive series and erf's alternating series", () => {
    const sqrt2 = sqrt(2n * ONE);
    for (const x of [-3n, -2n, -1n, 0n, 1n, 2n, 3n, 4n].map((k) => (k * ONE) / 1n)) {
      const viaErf = (ONE + erfSeries(div(x, sqrt2))) / 2n;
      near(normalCdfSeries(x), viaErf, 10n ** 16n, `Phi(${x / ONE}) series vs erf`);
    }
    for (const x of [ONE / 3n, (7n * ONE) / 10n, (5n * ONE) / 2n]) {
      near(normalCdfSeries(x), (ONE + erfSeries(div(x, sqrt2))) / 2n, 10n ** 16n, "fractional x");
    }
  });

  it("agrees with itself by two independent methods: the series and the continued fraction at x = 3, 4", () => {
    near(normalTailContinuedFraction(3n * ONE), normalCdfSeries(-3n * ONE), 10n ** 3n, "x = 3");
    near(normalTailContinuedFraction(4n * ONE), normalCdfSeries(-4n * ONE), 10n ** 4n, "x = 4");
  });

  it("inverts exp with ln and squares sqrt", () => {
    // (exp(x) carries 60 digits after the point, so its relative precision falls as x goes negative.)
    for (const x of [-5n * ONE, -ONE / 7n, 0n, ONE / 3n, 5n * ONE]) near(ln(exp(x)), x, 10n ** 3n, "ln(exp(x))");
    for (const x of [ONE / 9n, 2n * ONE, 12345n * ONE]) near((sqrt(x) * sqrt(x)) / ONE, x, 10n ** 5n, "sqrt^2");
  });

  it("prices a textbook case and keeps put-call parity", () => {
    // S = K = 100, one year, 20% vol: call = put = 100 (2 N(0.1) - 1) = 7.9655674554057962931...
    const r = blackScholes(100n * WAD, 100n * WAD, 31_536_000n, WAD / 5n);
    near(r.call, dec("7.96556745540579629308092364783641660281"), 10n ** 22n, "ATM call");
    expect(r.call).to.equal(r.put);
    const q = blackScholes(2_000n * WAD, 2_300n * WAD, 86_400n * 7n, (8n * WAD) / 10n);
    near(q.call - q.put, dec("-300"), 10n ** 10n, "parity");
  });
});
