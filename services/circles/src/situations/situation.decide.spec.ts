import { event } from '../domain.js';
import { decideAfter, stateAfter } from '../testing/decider-harness.js';
import { MASKS } from './personal-data.js';
import { situationDecider, type RegisterSituation } from './situation.decide.js';

const register: RegisterSituation = {
  type: 'RegisterSituation',
  situationId: 's-1',
  title: 'Клиент не дозвонился',
  description: 'Звонил с +7 (912) 345-67-89, ответа не было',
  category: 'service_quality',
  source: 'employee',
  authorId: null,
  departmentId: 'd-1',
  complaintIds: [],
};
const registered = event('SituationRegistered', {
  situationId: 's-1',
  title: 'Клиент не дозвонился',
  description: `Звонил с ${MASKS.phone}, ответа не было`,
  category: 'service_quality',
  source: 'employee',
  authorId: null,
  departmentId: 'd-1',
  complaintIds: [],
});

describe('situation decider', () => {
  it('registers an anonymous situation with personal data masked', () => {
    expect(decideAfter(situationDecider, [], register)).toEqual([registered]);
  });

  it('registers nothing the second time (a redelivered complaint)', () => {
    expect(decideAfter(situationDecider, [registered], register)).toEqual([]);
  });

  it('validates title, description and category', () => {
    expect(decideAfter(situationDecider, [], { ...register, title: '' })).toMatchObject({ field: 'title' });
    expect(decideAfter(situationDecider, [], { ...register, description: 'я'.repeat(4001) })).toMatchObject({
      field: 'description',
    });
    expect(decideAfter(situationDecider, [], { ...register, category: 'weather' })).toMatchObject({
      field: 'category',
    });
  });

  it('absorbs another situation with its complaints, and never itself', () => {
    const absorb = { type: 'AbsorbSituation' as const, mergedSituationId: 's-2', complaintIds: ['c-2'] };
    const merged = event('SituationsMerged', {
      situationId: 's-1',
      mergedSituationId: 's-2',
      complaintIds: ['c-2'],
    });
    expect(decideAfter(situationDecider, [registered], absorb)).toEqual([merged]);
    expect(
      decideAfter(situationDecider, [registered], { ...absorb, mergedSituationId: 's-1' }),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    const state = stateAfter(situationDecider, [registered, merged]);
    expect(state).toMatchObject({ complaintIds: ['c-2'] });
  });

  it('archives once', () => {
    const archive = { type: 'ArchiveSituation' as const, reason: 'Решено' };
    const archived = event('SituationArchived', { situationId: 's-1', reason: 'Решено' });
    expect(decideAfter(situationDecider, [registered], archive)).toEqual([archived]);
    expect(decideAfter(situationDecider, [registered, archived], archive)).toMatchObject({
      code: 'CONFLICT',
    });
    expect(decideAfter(situationDecider, [], archive)).toMatchObject({ code: 'NOT_FOUND' });
  });
});
