// The city staff's own view (`#staff`): sign in with a token, see who is signed in and sign out, and for
// moderators and admins the moderation queue (queue.js). Planners answer reports on each pin's own page
// (pin-tools.js): this view says how to get there.
import { onLanguageChange, setText, t } from './i18n.js';
import { onSessionChange, signOut, signedIn, whoIsSignedIn } from './session.js';
import { createQueue } from './queue.js';
import { may } from './workflow.js';

export function createStaffView({ qala, signIn }) {
  const $ = (id) => document.getElementById(id);
  const view = $('staff-view');
  const who = $('signed-in-as');
  const queue = createQueue({ qala });
  let ended = false;

  function renderWho() {
    const session = signedIn();
    if (session) setText(who, 'staff.signed_in', { name: session.name, role: t(`role.${session.role}`) });
  }

  function render() {
    const session = signedIn();
    $('signed-in').hidden = !session;
    if (!session) {
      queue.hide();
      signIn.placeSignIn($('staff-signin-slot'), { ended });
      return;
    }
    signIn.hideSignIn();
    renderWho();
    $('staff-help').hidden = !may(session.role, 'change_status');
    if (may(session.role, 'moderate')) queue.show();
    else queue.hide();
  }

  $('sign-out').addEventListener('click', async () => {
    try {
      await signOut();
      setText($('staff-live'), 'staff.signed_out');
    } catch {
      setText($('staff-live'), 'staff.sign_out_failed');
    }
  });

  onSessionChange((session, why) => {
    ended = why === 'ended';
    if (view.hidden) return;
    render();
    if (session) who.focus();
    else signIn.focus();
  });
  onLanguageChange(renderWho);

  return {
    async show() {
      // Every public pin, as citizens see it: what a moderator hides leaves this map.
      qala.setPinsUrl('/api/v1/map/pins');
      qala.showPins(true);
      await whoIsSignedIn();
      render();
    },
    hide() {
      queue.hide();
    },
    placeAt() {},
  };
}
