// Every string the page shows comes from the dictionaries in ./strings (Kazakh first, then Russian, then
// English); none is written in the markup. An element says what it shows with `data-i18n="key"` (its text),
// `data-i18n-args` (JSON parameters for `{name}` placeholders) and `data-i18n-attr="attr:key;…"`
// (attributes such as aria-label or placeholder), so switching the language re-renders everything already on
// the page, including error messages shown next to fields.
import kk from './strings/kk.json';
import ru from './strings/ru.json';
import en from './strings/en.json';

export const LANGUAGES = ['kk', 'ru', 'en'];
const DICTIONARIES = { kk, ru, en };
const STORAGE_KEY = 'qala.lang';
const listeners = [];
let current = 'kk';

/** The language to start in: the one chosen before, else the browser's first known one, else Kazakh. */
export function initialLanguage() {
  const saved = safeStorage(() => localStorage.getItem(STORAGE_KEY));
  if (LANGUAGES.includes(saved)) return saved;
  for (const tag of navigator.languages || []) {
    const base = tag.toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'kk';
}

export function language() {
  return current;
}

/** The string for `key` in the current language, with `{name}` replaced from `args`. */
export function t(key, args = {}) {
  const template = DICTIONARIES[current][key] ?? DICTIONARIES.en[key];
  if (template === undefined) {
    console.warn(`qala: no string for ${key}`);
    return key;
  }
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in args ? format(args[name]) : `{${name}}`));
}

function format(value) {
  if (typeof value === 'number') return formatNumber(value, Number.isInteger(value) ? 0 : 3, { trim: true });
  return String(value);
}

/** The BCP 47 locale for numbers and dates. */
export function locale() {
  return { kk: 'kk-KZ', ru: 'ru-RU', en: 'en-GB' }[current];
}

/** Shows `key` (with `args`) as the text of `el`, and keeps it translated on every language switch. */
export function setText(el, key, args) {
  el.dataset.i18n = key;
  if (args) el.dataset.i18nArgs = JSON.stringify(args);
  else delete el.dataset.i18nArgs;
  el.textContent = t(key, args);
}

/**
 * Appends a term and its value to the description list `list`: the term is the string `termKey`, the value
 * either a translated string (`key`, `args`) or data (`text`), shown as it is.
 */
export function appendTerm(list, termKey, { key = null, args, text = '' } = {}) {
  const dt = document.createElement('dt');
  setText(dt, termKey);
  const dd = document.createElement('dd');
  if (key) setText(dd, key, args);
  else dd.textContent = text;
  list.append(dt, dd);
  return dd;
}

/** Empties `el` and stops translating it. */
export function clearText(el) {
  delete el.dataset.i18n;
  delete el.dataset.i18nArgs;
  el.textContent = '';
}

/** Translates every marked element under `root`. */
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const args = el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : undefined;
    el.textContent = t(el.dataset.i18n, args);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

/** Switches the whole page to `lang`, remembers the choice and tells the listeners. */
export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) return;
  current = lang;
  document.documentElement.lang = lang;
  safeStorage(() => localStorage.setItem(STORAGE_KEY, lang));
  translate();
  document.title = t('app.title');
  for (const button of document.querySelectorAll('button[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  }
  for (const listener of listeners) listener(lang);
}

/** Calls `listener(lang)` after every language switch. */
export function onLanguageChange(listener) {
  listeners.push(listener);
}

/** The name of an area in the current language (areas carry name_kk, name_ru, name_en). */
export function areaName(properties) {
  return properties[`name_${current}`] || properties.name_en || properties.label || '';
}

// Kazakh as it is written (a space between thousands, a comma before decimals; "2026 ж. 2 желтоқсан"), by
// hand: browsers without Kazakh locale data (Debian's Chromium among them) would otherwise write English.
const KK_MONTHS = ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан'];
const NBSP = '\u00a0';

/** Dates as the current language writes them. */
export function formatDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (current === 'kk') return `${date.getFullYear()} ж. ${date.getDate()} ${KK_MONTHS[date.getMonth()]}`;
  return date.toLocaleDateString(locale(), { year: 'numeric', month: 'short', day: 'numeric' });
}

/** `value` with `digits` decimals (`trim`: at most `digits`), grouped as the current language groups. */
export function formatNumber(value, digits = 0, { trim = false } = {}) {
  const options = { maximumFractionDigits: digits, minimumFractionDigits: trim ? 0 : digits };
  if (current !== 'kk') return value.toLocaleString(locale(), options);
  return value.toLocaleString('en-US', options).replace(/[,.]/g, (c) => (c === ',' ? NBSP : ','));
}

function safeStorage(action) {
  try {
    return action();
  } catch {
    return null; // private mode or storage disabled: the choice is simply not remembered
  }
}
