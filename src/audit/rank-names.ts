/** A rank's name and its department's, from the community's departments (Get Departments). */
export interface RankName {
  rank: string;
  department: string;
  departmentId: string;
}

export type RankNames = ReadonlyMap<string, RankName>;

/** The lookup table for a Get Departments answer. */
export function rankNamesOf(
  departments: { uuid: string; label: string; ranks: { id: string; label: string }[] }[],
): RankNames {
  const names = new Map<string, RankName>();
  for (const department of departments) {
    for (const rank of department.ranks)
      names.set(rank.id, {
        rank: rank.label,
        department: department.label,
        departmentId: department.uuid,
      });
  }
  return names;
}
