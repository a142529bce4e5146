// An ES module (.mjs): its default export returns a score.
export default function score(output) {
  return output.trim().endsWith('.') ? 0.9 : 0.1;
}
