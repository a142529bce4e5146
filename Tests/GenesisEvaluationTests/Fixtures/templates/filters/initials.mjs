export default function initials(name) {
  return String(name).split(/\s+/).map((word) => word[0]).join('');
}
