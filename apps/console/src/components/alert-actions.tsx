import { useRef, useState } from 'preact/hooks';
import { AlertDashboard, LifecycleAnswer, api } from '../api';
import { AlertTexts, Said, filledTexts, followUpReach, prefilledTexts, say } from '../alert-words';
import { nativeLanguageName } from '../i18n';
import { LANGUAGES } from '../../../../libs/domain/src/vocabulary';
import { navigate, useConsole } from '../context';

/** A supervisor approves or rejects an alert awaiting approval; the API decides who may (four eyes). */
export function ApprovalPanel(props: { alertId: string }) {
  const { t, session } = useConsole();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Said | null>(null);
  const [notice, setNotice] = useState<Said | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (path: 'approve' | 'reject') => {
    setProblem(null);
    if (path === 'reject' && !reason.trim()) return setProblem({ key: 'needReason' });
    setBusy(true);
    try {
      await api<LifecycleAnswer>(`/v1/alerts/${props.alertId}/${path}`, { method: 'POST', json: path === 'reject' ? { reason: reason.trim() } : {} });
      setNotice({ key: path === 'approve' ? 'approvedNotice' : 'rejectedNotice' });
      setRejecting(false);
    } catch (error) {
      setProblem({ failure: error });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="actions-panel approval" aria-labelledby="approval-title" data-testid="approval">
      <h2 id="approval-title">{t('approvalTitle')}</h2>
      <p>{t('approvalHint')}</p>
      {problem && (
        <p class="problem" role="alert">
          {say(t, problem)}
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {say(t, notice)}
        </p>
      )}
      {session?.role === 'supervisor' && !notice && (
        <>
          <div class="actions">
            <button type="button" class="send send-live" disabled={busy} onClick={() => void act('approve')}>
              {t('approve')}
            </button>
            <button type="button" disabled={busy} aria-expanded={rejecting} onClick={() => setRejecting(!rejecting)}>
              {t('reject')}
            </button>
          </div>
          {rejecting && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void act('reject');
              }}
            >
              <label for="reject-reason">{t('rejectReason')}</label>
              <textarea id="reject-reason" rows={2} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
              <button type="submit" disabled={busy}>
                {t('confirmReject')}
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}

type FollowUpKind = 'update' | 'cancel';

/**
 * An update or the "found" cancel, from the original's dashboard: text per language prefilled from
 * the original, and a confirmation naming how many members the original reached per channel,
 * which is exactly who the follow-up goes to (ADR 0008).
 */
export function FollowUpPanel(props: { dashboard: AlertDashboard }) {
  const { t, format } = useConsole();
  const { alert } = props.dashboard;
  const original = alert.texts;
  // The form's order, whatever order the API stored them in.
  const languages = LANGUAGES.filter((l) => original[l]);
  const [kind, setKind] = useState<FollowUpKind | null>(null);
  const [texts, setTexts] = useState<AlertTexts>({});
  const [problem, setProblem] = useState<Said | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const reach = followUpReach(props.dashboard.channels);

  const open = (next: FollowUpKind) => {
    setKind(next);
    setProblem(null);
    setTexts(prefilledTexts(original, languages));
  };

  const ask = (e: Event) => {
    e.preventDefault();
    setProblem(null);
    if (Object.keys(filledTexts(texts)).length === 0) return setProblem({ key: 'needText' });
    dialog.current?.showModal();
  };

  const send = async () => {
    dialog.current?.close();
    setBusy(true);
    try {
      const created = await api<LifecycleAnswer>(`/v1/alerts/${alert.id}/${kind}`, { method: 'POST', json: { texts: filledTexts(texts) } });
      navigate(`/alerts/${created.id}`);
    } catch (error) {
      setProblem({ failure: error });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="actions-panel follow-up" aria-labelledby="follow-up-title" data-testid="follow-up">
      <h2 id="follow-up-title">{t('followUpTitle')}</h2>
      <div class="actions">
        <button type="button" aria-pressed={kind === 'update'} onClick={() => open('update')}>
          {t('sendUpdate')}
        </button>
        <button type="button" class="send-live" aria-pressed={kind === 'cancel'} onClick={() => open('cancel')}>
          {t('sendCancel')}
        </button>
      </div>
      {problem && (
        <p class="problem" role="alert">
          {say(t, problem)}
        </p>
      )}
      {kind && (
        <form onSubmit={ask} noValidate aria-labelledby="follow-up-form-title">
          <h3 id="follow-up-form-title">{t(kind === 'update' ? 'updateTitle' : 'cancelTitle')}</h3>
          <p class="hint">{t('followUpPrefilled')}</p>
          <div class="texts">
            {languages.map((lang) => (
              <div class="language-text">
                <h4 lang={lang}>{nativeLanguageName(lang)}</h4>
                <label for={`follow-title-${lang}`}>{t('title')}</label>
                <input
                  id={`follow-title-${lang}`}
                  lang={lang}
                  maxLength={200}
                  value={texts[lang]?.title ?? ''}
                  onInput={(e) => setTexts({ ...texts, [lang]: { ...texts[lang], title: e.currentTarget.value } })}
                />
                <label for={`follow-body-${lang}`}>{t('body')}</label>
                <textarea
                  id={`follow-body-${lang}`}
                  lang={lang}
                  rows={3}
                  maxLength={1600}
                  value={texts[lang]?.body ?? ''}
                  onInput={(e) => setTexts({ ...texts, [lang]: { ...texts[lang], body: e.currentTarget.value } })}
                />
              </div>
            ))}
          </div>
          <div class="actions">
            <button type="button" onClick={() => setKind(null)}>
              {t('cancel')}
            </button>
            <button type="submit" class="send send-live" disabled={busy}>
              {busy ? t('sending') : t(kind === 'update' ? 'reviewUpdate' : 'reviewCancel')}
            </button>
          </div>
        </form>
      )}
      <dialog ref={dialog} class="confirm confirm-live" aria-labelledby="follow-up-confirm-title">
        <h2 id="follow-up-confirm-title">{t(kind === 'cancel' ? 'confirmCancelTitle' : 'confirmUpdateTitle')}</h2>
        <p data-testid="follow-up-reach">
          {t('confirmFollowUp', { detail: t('reachDetail', { sms: format.number(reach.sms), email: format.number(reach.email), voice: format.number(reach.voice) }) })}
        </p>
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('cancel')}
          </button>
          <button type="button" class="send send-live" onClick={() => void send()}>
            {t(kind === 'cancel' ? 'confirmSendCancel' : 'confirmSendUpdate')}
          </button>
        </div>
      </dialog>
    </section>
  );
}
