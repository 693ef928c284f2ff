// The GraphQL view of a circle, straight from its folded stream.
import { currentStage, type CircleState, type Idea as IdeaState } from '../circle.state.js';
import { rosterWarning } from '../circle.decide.js';
import type { Circle, BrainstormIdea } from './circle.model.js';

function toIdeas(ideas: IdeaState[]): { flat: BrainstormIdea[]; roots: BrainstormIdea[] } {
  const byId = new Map<string, BrainstormIdea>();
  const flat = ideas.map((idea) => {
    const view: BrainstormIdea = {
      id: idea.ideaId,
      situationId: idea.situationId,
      authorId: idea.authorId,
      authorDepartmentId: idea.authorDepartmentId,
      text: idea.text,
      parentIdeaId: idea.parentIdeaId,
      praiseCount: idea.praisedBy.length,
      praisedBy: idea.praisedBy,
      buildOns: [],
    };
    byId.set(view.id, view);
    return view;
  });
  const roots: BrainstormIdea[] = [];
  for (const idea of flat) {
    const parent = idea.parentIdeaId === null ? undefined : byId.get(idea.parentIdeaId);
    if (parent) parent.buildOns.push(idea);
    else roots.push(idea);
  }
  return { flat, roots };
}

export function toCircle(state: CircleState): Circle {
  const ideas = toIdeas(state.ideas);
  return {
    id: state.circleId,
    status: state.status,
    scheduledAt: state.scheduledAt,
    isoWeek: state.isoWeek,
    leaderId: state.leaderId,
    leaderDepartmentId: state.leaderDepartmentId,
    situationIds: state.situationIds,
    invitedIds: state.invited,
    participants: state.participants,
    rosterWarning: rosterWarning(state),
    startedAt: state.startedAt,
    currentStage: currentStage(state),
    stages: state.stages,
    brainstormIdeas: ideas.flat,
    ideaTree: ideas.roots,
    wowSolutions: state.wowSolutions,
    leaflets: state.leaflets.map((leaflet) => ({
      ...leaflet,
      id: leaflet.leafletId,
      circleId: state.circleId,
    })),
    attendees: state.attendees,
    completedAt: state.completedAt,
    pulseAnswers: state.pulseAnsweredBy.length,
  };
}
