/**
 * Ids that appear in the docs' examples. The catalog's example inputs use them, and the
 * emulator's seeded community contains records with these ids, so every example resolves.
 */
export const EXAMPLE = {
  accountId: '00000000-0000-0000-0000-000000000000',
  username: 'ExampleUser',
  discordId: '1234567890',
  robloxId: '987654321',
  uniqueId: 1001,
  /** The docs' Cadet rank (Police Department). */
  rankId: '22222222-2222-2222-2222-222222222222',
  /** The docs' second rank id; the sandbox makes it Officer. */
  secondRankId: '33333333-3333-3333-3333-333333333333',
  departmentId: '11111111-1111-1111-1111-111111111111',
  recordId: '11111111-1111-1111-1111-111111111111',
  eventId: '11111111-1111-1111-1111-111111111111',
  undoId: '11111111-1111-1111-1111-111111111111',
  undoUserId: '11111111-1111-1111-1111-111111111111',
  promotionFlowId: '44444444-4444-4444-4444-444444444444',
  /** The "Interview" stage of the docs' form example. */
  formStageId: '33333333-3333-3333-3333-333333333333',
  serverId: 1,
  formId: 1,
  templateId: 1,
  submissionId: 1,
  rosterId: 1,
  robloxJoinCode: 'ABC123',
} as const;
