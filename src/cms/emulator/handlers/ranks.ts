import { badRequest, conflict, notFound } from '../problem.js';
import { accountRowView } from '../views.js';
import type { Community, PromotionFlow } from '../community.js';
import type { Handlers } from './handler.js';

function flowView(c: Community, flow: PromotionFlow) {
  const promotionType = 'both';
  return {
    ...flow,
    communityUuid: c.data.uuid,
    actions: { data: [], promotionType },
    promotionType,
  };
}

export const rankHandlers = {
  getPromotionFlows: (_, c) => c.data.promotionFlows.map((flow) => flowView(c, flow)),
  triggerPromotionFlows: ({ body }, c) =>
    body.data.map(({ flowId, users, promote }) => {
      const flow = c.data.promotionFlows.find((f) => f.id === flowId);
      if (!flow)
        return {
          users,
          flow: flowId,
          promote,
          succeeded: false,
          message: 'Promotion flow not found',
          config: null,
        };
      const accounts = users.map(
        (user) => c.findAccount({ username: user }) ?? c.findAccount({ accId: user }),
      );
      if (accounts.some((a) => a === undefined)) {
        return {
          users,
          flow: flowId,
          promote,
          succeeded: false,
          message: 'One or more users were not found',
          config: flowView(c, flow),
        };
      }
      for (const account of accounts) {
        // A demotion runs the flow backwards.
        c.changeRanks(
          account!,
          promote
            ? { add: flow.ranksToAdd, remove: flow.ranksToRemove }
            : { add: flow.ranksToRemove, remove: flow.ranksToAdd },
        );
      }
      const message = promote
        ? 'Promotion executed successfully'
        : 'Demotion executed successfully';
      return {
        users: accounts.map((a) => a!.accId),
        flow: flowId,
        promote,
        succeeded: true,
        message,
        config: flowView(c, flow),
      };
    }),
  undoRankChange: ({ params, body }, c) => {
    const change = c.data.rankChanges.find((r) => r.undoId === params.undoId);
    if (!change) throw notFound(`No rank change ${params.undoId} to undo.`);
    if (change.undone) throw conflict(`Rank change ${params.undoId} was already undone.`);
    if (!c.findAccount({ accId: body.userId }))
      throw badRequest(`User ${body.userId} is not a member of this community.`);
    const account = c.requireAccount({ accId: change.accId });
    const before = [...account.ranks];
    const changesBefore = c.data.rankChanges.length;
    c.changeRanks(account, { set: change.previousRanks });
    change.undone = true;
    // The undo is itself a rank change (undoable in turn), unless the ranks were already back.
    const reversal =
      c.data.rankChanges.length > changesBefore ? c.data.rankChanges.at(-1)! : change;
    return {
      undoId: change.undoId,
      account: accountRowView(c, account),
      previousRanks: before,
      currentRanks: [...account.ranks],
      originalLogId: change.logId,
      reversalUndoId: reversal.undoId,
    };
  },
} satisfies Partial<Handlers>;
