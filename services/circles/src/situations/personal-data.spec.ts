import { MASKS, maskPersonalData } from './personal-data.js';

describe('maskPersonalData', () => {
  it.each([
    ['+7 (912) 345-67-89'],
    ['8 912 345 67 89'],
    ['89123456789'],
    ['+79123456789'],
    ['8-912-345-67-89'],
    ['+7 912 3456789'],
  ])('masks the Russian phone number %s', (phone) => {
    expect(maskPersonalData(`Перезвоните мне на ${phone}, пожалуйста`)).toBe(
      `Перезвоните мне на ${MASKS.phone}, пожалуйста`,
    );
  });

  it('masks a foreign phone number', () => {
    expect(maskPersonalData('звонил с +44 20 7946 0958')).toBe(`звонил с ${MASKS.phone}`);
  });

  it('masks e-mail addresses, Cyrillic ones included', () => {
    expect(maskPersonalData('пишите на ivan.petrov+1@mail.ru или иван@почта.рф.')).toBe(
      `пишите на ${MASKS.email} или ${MASKS.email}.`,
    );
  });

  it.each([['4276 1234 5678 9012'], ['4276-1234-5678-9012'], ['4276123456789012']])(
    'masks the card number %s',
    (card) => {
      expect(maskPersonalData(`списали с карты ${card} дважды`)).toBe(`списали с карты ${MASKS.card} дважды`);
    },
  );

  it('masks policy numbers (long digit runs) but keeps short numbers such as sums and dates', () => {
    expect(maskPersonalData('Полис ХХХ 0123456789, ждал 20 минут, сумма 1500 руб., 14.05.2026')).toBe(
      `Полис ХХХ ${MASKS.number}, ждал 20 минут, сумма 1500 руб., 14.05.2026`,
    );
  });

  it('leaves text without personal data as it is', () => {
    const text = 'Клиент не дождался ответа оператора и перезвонил трижды';
    expect(maskPersonalData(text)).toBe(text);
  });

  it('masks several kinds in one text', () => {
    expect(maskPersonalData('тел. 8 (912) 345-67-89, почта a@b.com, полис 123456789')).toBe(
      `тел. ${MASKS.phone}, почта ${MASKS.email}, полис ${MASKS.number}`,
    );
  });
});
