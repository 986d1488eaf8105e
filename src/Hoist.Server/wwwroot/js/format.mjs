// Sizes, speeds and durations for people, in the reader's locale (SI units: 1 MB = 1,000,000 bytes).

const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'];
const formats = new Map();

function format(value, unit) {
  if (!formats.has(unit)) {
    formats.set(unit, new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }));
  }
  return formats.get(unit).format(value);
}

function scale(bytes) {
  let index = 0;
  let value = bytes;
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000;
    index++;
  }
  return { value: index === 0 ? Math.round(value) : value, unit: units[index] };
}

const byteCount = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'byte', unitDisplay: 'long' });

export function formatBytes(bytes) {
  const { value, unit } = scale(bytes);
  // "0 bytes", not the short form's "0 byte".
  return unit === 'byte' ? byteCount.format(value) : format(value, unit);
}

export function formatRate(bytesPerSecond) {
  const { value, unit } = scale(bytesPerSecond);
  return format(value, `${unit}-per-second`);
}

/** "12 s", "3 min 20 s", "2 h 5 min": precise enough for an estimate. */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return s % 60 ? `${minutes} min ${s % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : dateFormat.format(date);
}
