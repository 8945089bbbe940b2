/** Golden-section search for the minimum of a unimodal f on [lo, hi] (Kiefer 1953). */
export function goldenMinimize(f: (x: number) => number, lo: number, hi: number, iterations = 40): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iterations; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return fc < fd ? c : d;
}

/**
 * Nelder–Mead simplex minimisation in 2-D (Nelder & Mead 1965; standard coefficients
 * reflection 1, expansion 2, contraction 0.5, shrink 0.5). Stops when the simplex's
 * function values agree to `ftol` relative or after `maxEvals` evaluations.
 * Written with scalars only: it runs inside every sigmoid fit of every back-test.
 */
export function nelderMead2(
  f: (a: number, b: number) => number,
  start: readonly [number, number],
  step: readonly [number, number],
  maxEvals = 200,
  ftol = 1e-12,
): [number, number] {
  let ax = start[0], ay = start[1];
  let bx = start[0] + step[0], by = start[1];
  let cx = start[0], cy = start[1] + step[1];
  let fa = f(ax, ay), fb = f(bx, by), fc = f(cx, cy);
  let evals = 3;
  while (evals < maxEvals) {
    // Sort so that a is best, c is worst.
    if (fb < fa) { let t = ax; ax = bx; bx = t; t = ay; ay = by; by = t; t = fa; fa = fb; fb = t; }
    if (fc < fb) { let t = bx; bx = cx; cx = t; t = by; by = cy; cy = t; t = fb; fb = fc; fc = t; }
    if (fb < fa) { let t = ax; ax = bx; bx = t; t = ay; ay = by; by = t; t = fa; fa = fb; fb = t; }
    if (Math.abs(fc - fa) <= ftol * (Math.abs(fa) + Math.abs(fc)) + 1e-300) break;
    const mx = (ax + bx) / 2, my = (ay + by) / 2;
    const rx = 2 * mx - cx, ry = 2 * my - cy;
    const fr = f(rx, ry);
    evals++;
    if (fr < fa) {
      const ex = 3 * mx - 2 * cx, ey = 3 * my - 2 * cy;
      const fe = f(ex, ey);
      evals++;
      if (fe < fr) { cx = ex; cy = ey; fc = fe; } else { cx = rx; cy = ry; fc = fr; }
    } else if (fr < fb) {
      cx = rx; cy = ry; fc = fr;
    } else {
      const outside = fr < fc;
      const kx = outside ? 1.5 * mx - 0.5 * cx : 0.5 * mx + 0.5 * cx;
      const ky = outside ? 1.5 * my - 0.5 * cy : 0.5 * my + 0.5 * cy;
      const fk = f(kx, ky);
      evals++;
      if (fk < Math.min(fr, fc)) { cx = kx; cy = ky; fc = fk; } else {
        bx = (ax + bx) / 2; by = (ay + by) / 2; fb = f(bx, by);
        cx = (ax + cx) / 2; cy = (ay + cy) / 2; fc = f(cx, cy);
        evals += 2;
      }
    }
  }
  if (fb < fa && fb <= fc) return [bx, by];
  if (fc < fa) return [cx, cy];
  return [ax, ay];
}

/**
 * Brent's method for the minimum of f on [lo, hi] (Brent 1973, ch. 5; the bounded variant scipy
 * calls fminbound): parabolic steps through the three best points, golden-section steps when a
 * parabola would leave the bracket or shrink too slowly. Stops when the bracket around the best
 * point is within `xatol` (plus a relative √ε); on the smooth one-dimensional profiles of the
 * fits it needs ~10 evaluations where golden section needs 30 for the same width.
 * Returns the best point and its value, so the caller need not evaluate it again.
 */
export function brentMinimize(f: (x: number) => number, lo: number, hi: number, xatol = 1e-9, maxEvals = 100): { x: number; fx: number } {
  const golden = (3 - Math.sqrt(5)) / 2;
  const sqrtEps = Math.sqrt(Number.EPSILON);
  let a = lo;
  let b = hi;
  let xf = a + golden * (b - a);
  let fx = f(xf);
  let nfc = xf, fnfc = fx; // second best
  let fulc = xf, ffulc = fx; // previous second best
  let rat = 0;
  let e = 0;
  let evals = 1;
  let xm = 0.5 * (a + b);
  let tol1 = sqrtEps * Math.abs(xf) + xatol / 3;
  let tol2 = 2 * tol1;
  while (Math.abs(xf - xm) > tol2 - 0.5 * (b - a) && evals < maxEvals) {
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      // Parabola through (xf, fx), (nfc, fnfc), (fulc, ffulc).
      let r = (xf - nfc) * (fx - ffulc);
      let q = (xf - fulc) * (fx - fnfc);
      let p = (xf - fulc) * q - (xf - nfc) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      r = e;
      e = rat;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - xf) && p < q * (b - xf)) {
        rat = p / q;
        const u = xf + rat;
        if (u - a < tol2 || b - u < tol2) rat = xm >= xf ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      e = xf >= xm ? a - xf : b - xf;
      rat = golden * e;
    }
    const u = xf + (rat >= 0 ? 1 : -1) * Math.max(Math.abs(rat), tol1);
    const fu = f(u);
    evals++;
    if (fu <= fx) {
      if (u >= xf) a = xf;
      else b = xf;
      fulc = nfc; ffulc = fnfc;
      nfc = xf; fnfc = fx;
      xf = u; fx = fu;
    } else {
      if (u < xf) a = u;
      else b = u;
      if (fu <= fnfc || nfc === xf) {
        fulc = nfc; ffulc = fnfc;
        nfc = u; fnfc = fu;
      } else if (fu <= ffulc || fulc === xf || fulc === nfc) {
        fulc = u; ffulc = fu;
      }
    }
    xm = 0.5 * (a + b);
    tol1 = sqrtEps * Math.abs(xf) + xatol / 3;
    tol2 = 2 * tol1;
  }
  return { x: xf, fx };
}
