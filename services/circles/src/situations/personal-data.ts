// Masks personal data in free text before it becomes a situation anyone in the company can read.

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** Russian numbers: +7 / 8 / 7, then 10 digits grouped by spaces, dashes or brackets. */
const RUSSIAN_PHONE = /(?<![\d+])(?:\+7|8|7)[\s-]*\(?\d{3}\)?[\s-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)/g;
/** Any other international number. */
const INTERNATIONAL_PHONE = /\+\d[\d\s()-]{7,}\d/g;
/** 16-digit card numbers, possibly in groups of four. */
const CARD_NUMBER = /(?<!\d)\d{4}(?:[\s-]?\d{4}){3}(?!\d)/g;
/** Policy, contract and account numbers: any run of six or more digits. */
const LONG_NUMBER = /(?<!\d)\d{6,}(?!\d)/g;

export const MASKS = {
  email: '[e-mail скрыт]',
  phone: '[телефон скрыт]',
  card: '[номер карты скрыт]',
  number: '[номер скрыт]',
} as const;

/** The text with e-mails, phone numbers, card numbers and long digit runs (policy numbers) replaced. */
export function maskPersonalData(text: string): string {
  return text
    .replace(EMAIL, MASKS.email)
    .replace(RUSSIAN_PHONE, MASKS.phone)
    .replace(INTERNATIONAL_PHONE, MASKS.phone)
    .replace(CARD_NUMBER, MASKS.card)
    .replace(LONG_NUMBER, MASKS.number);
}
