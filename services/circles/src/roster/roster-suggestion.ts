// A greedy roster for a week: volunteers still free under the weekly rule, taken one department at a time.

export interface Candidate {
  employeeId: string;
  departmentId: string;
}

/** Round-robin over departments (the largest pool first), so the roster mixes as many departments as it can. */
export function suggestRoster(candidates: Candidate[], size: number): Candidate[] {
  const byDepartment = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const pool = byDepartment.get(candidate.departmentId) ?? [];
    pool.push(candidate);
    byDepartment.set(candidate.departmentId, pool);
  }
  const pools = [...byDepartment.values()].sort(
    (a, b) => b.length - a.length || a[0]!.departmentId.localeCompare(b[0]!.departmentId),
  );
  const roster: Candidate[] = [];
  while (roster.length < size && pools.some((pool) => pool.length > 0)) {
    for (const pool of pools) {
      const next = pool.shift();
      if (next && roster.length < size) roster.push(next);
    }
  }
  return roster;
}
