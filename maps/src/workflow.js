// The city's rules as the page needs them, mirrored from qala (the server still decides; these only keep the
// page from offering what it would refuse): which status may follow which (src/domain/workflow.rs), which
// moderation fits which visibility (src/domain/moderation.rs) and what each role may do (src/domain/staff.rs).

/** The statuses a pin may be moved to from each one (`Status::may_become`). */
export const NEXT_STATUSES = {
  new: ['confirmed', 'rejected', 'duplicate'],
  confirmed: ['planned', 'in_progress', 'rejected', 'duplicate'],
  planned: ['in_progress', 'rejected'],
  in_progress: ['resolved', 'planned'],
  resolved: ['in_progress'],
  rejected: ['confirmed'],
  duplicate: ['confirmed'],
};

/** The moderations that fit a pin of each visibility (`ModerationAction::apply`). */
export const MODERATIONS = {
  pending: ['approve', 'hide', 'redact'],
  public: ['hide', 'redact'],
  hidden: ['unhide', 'redact'],
};

/** Every status except `duplicate`: only such a pin can be the original of a duplicate. */
export const ORIGINAL_STATUSES = ['new', 'confirmed', 'planned', 'in_progress', 'resolved', 'rejected'];

const POWERS = {
  moderator: ['see_internal', 'moderate', 'mark_duplicate'],
  planner: ['see_internal', 'mark_duplicate', 'change_status', 'read_contact', 'manage_areas'],
};

/** Whether `role` may use `power` (`Role::may`); an admin may do everything. */
export function may(role, power) {
  return role === 'admin' || (POWERS[role] ?? []).includes(power);
}
