import { kindWord, statusWord } from '../alert-words';
import { useConsole } from '../context';

/** Status as the API gives it, kind (a test is never mistaken for live), and update/cancel. */
export function AlertBadges(props: { status: string; kind: string; messageType: string; urgency: string }) {
  const { t } = useConsole();
  const status = statusWord(props.status);
  const kind = kindWord(props.kind);
  return (
    <>
      {props.urgency === 'urgent' && <span class="badge urgent">{t('urgentBadge')}</span>}{' '}
      <span class={`badge kind kind-${props.kind}`} data-kind={props.kind}>
        {kind ? t(kind) : props.kind}
      </span>{' '}
      {props.messageType !== 'alert' && (
        <>
          <span class={`badge type-${props.messageType}`}>{t(props.messageType === 'cancel' ? 'typeCancel' : 'typeUpdate')}</span>{' '}
        </>
      )}
      <span class={`badge status status-${props.status}`} data-status={props.status} data-testid="alert-status">
        {status ? t(status) : props.status}
      </span>
    </>
  );
}
