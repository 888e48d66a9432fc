import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Format, Translate, UiLanguage } from './i18n';
import type { Session } from './session';

export interface ConsoleContext {
  t: Translate;
  /** Dates and numbers in the chosen language. */
  format: Format;
  language: UiLanguage;
  session: Session | null;
  setSession(session: Session | null): void;
}

export const Console = createContext<ConsoleContext>(null as unknown as ConsoleContext);
export const useConsole = () => useContext(Console);

export function navigate(route: string): void {
  window.location.hash = `#${route}`;
}
