/** A soft two-colour gradient seeded by the job id, for images not yet loaded. */
export function seededGradient(seed: string): string {
  let hash = 2166136261;
  for (let i = 0; i < seed.length; i += 1) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  const hue = Math.abs(hash) % 360;
  const hue2 = (hue + 40 + (Math.abs(hash >> 8) % 60)) % 360;
  return `linear-gradient(135deg, hsl(${hue} 70% 72% / 0.55), hsl(${hue2} 70% 60% / 0.55))`;
}
