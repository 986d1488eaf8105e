// Sizes, speeds and durations for people, in the reader's locale. Binary units everywhere, as the
// CLI and the server's messages use them: 1 KiB = 1,024 bytes, 1 MiB = 1,024 KiB.

const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

function scale(bytes) {
  let index = 0;
  let value = bytes;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index++;
  }
  return { value: index === 0 ? Math.round(value) : value, unit: units[index] };
}

/** "0 bytes", "1 byte", "1.5 KiB", "60 MiB". */
export function formatBytes(bytes) {
  const { value, unit } = scale(bytes);
  return `${number.format(value)} ${unit === 'bytes' && value === 1 ? 'byte' : unit}`;
}

/** "11.3 MiB/s". */
export function formatRate(bytesPerSecond) {
  const { value, unit } = scale(bytesPerSecond);
  return `${number.format(value)} ${unit === 'bytes' ? 'bytes' : unit}/s`;
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
