import { useState } from 'preact/hooks';
import { downloadReport } from '../api';
import { Said, say } from '../alert-words';
import { useConsole } from '../context';
import type { WordKey } from '../i18n';

/** A button that saves a report as the server writes it in CSV (`path` with its query, without `format`). */
export function DownloadCsv(props: { path: string; hint: WordKey }) {
  const { t } = useConsole();
  const [problem, setProblem] = useState<Said | null>(null);
  const download = () => {
    setProblem(null);
    downloadReport(props.path).catch((error: unknown) => setProblem({ failure: error }));
  };
  return (
    <p class="download">
      <button type="button" onClick={download}>
        {t('downloadCsv')}
      </button>{' '}
      <span class="hint">{t(props.hint)}</span>
      {problem && (
        <span class="problem" role="alert">
          {' '}
          {say(t, problem)}
        </span>
      )}
    </p>
  );
}
