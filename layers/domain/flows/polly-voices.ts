/**
 * Polly voices a flow may name, by language, with the engines each supports (from the Polly voice list);
 * a voice that does not speak the language, or a language without a voice here, is refused when the flow
 * is saved instead of failing on a caller. The first voice of a language is its default.
 */

interface Voice {
  readonly id: string;
  readonly neural: boolean;
}

const v = (id: string, neural = true): Voice => ({ id, neural });
const standard = (id: string): Voice => ({ id, neural: false });

export const POLLY_VOICES: Readonly<Record<string, readonly Voice[]>> = {
  'en-US': [
    v('Joanna'),
    v('Matthew'),
    v('Salli'),
    v('Kimberly'),
    v('Kendra'),
    v('Joey'),
    v('Ivy'),
    v('Kevin'),
    v('Justin'),
    v('Ruth'),
    v('Stephen'),
    v('Danielle'),
    v('Gregory'),
  ],
  'en-GB': [v('Amy'), v('Emma'), v('Brian'), v('Arthur')],
  'en-AU': [v('Olivia'), standard('Nicole'), standard('Russell')],
  'en-IN': [v('Kajal'), standard('Aditi'), standard('Raveena')],
  'en-IE': [v('Niamh')],
  'en-NZ': [v('Aria')],
  'en-ZA': [v('Ayanda')],
  'es-US': [v('Lupe'), v('Pedro'), standard('Penelope'), standard('Miguel')],
  'es-ES': [v('Lucia'), v('Sergio'), standard('Conchita'), standard('Enrique')],
  'es-MX': [v('Mia'), v('Andres')],
  'fr-FR': [v('Lea'), v('Remi'), standard('Celine'), standard('Mathieu')],
  'fr-CA': [v('Gabrielle'), v('Liam'), standard('Chantal')],
  'de-DE': [v('Vicki'), v('Daniel'), standard('Marlene'), standard('Hans')],
  'it-IT': [v('Bianca'), v('Adriano'), standard('Carla'), standard('Giorgio')],
  'pt-BR': [v('Camila'), v('Vitoria'), v('Thiago'), standard('Ricardo')],
  'pt-PT': [v('Ines'), standard('Cristiano')],
  'nl-NL': [v('Laura'), standard('Lotte'), standard('Ruben')],
  'ja-JP': [v('Takumi'), v('Kazuha'), v('Tomoko'), standard('Mizuki')],
  'ko-KR': [v('Seoyeon')],
  'cmn-CN': [v('Zhiyu')],
  'yue-CN': [v('Hiujin')],
  'hi-IN': [v('Kajal'), standard('Aditi')],
  'ar-AE': [v('Hala'), v('Zayd')],
  'pl-PL': [v('Ola'), standard('Ewa'), standard('Maja'), standard('Jacek'), standard('Jan')],
  'sv-SE': [v('Elin'), standard('Astrid')],
  'tr-TR': [v('Burcu'), standard('Filiz')],
  'ru-RU': [standard('Tatyana'), standard('Maxim')],
};

/** The voice for a language (the named one, or the language's default) and the engine to ask for. */
export function voiceFor(
  language: string,
  named: string | undefined,
): { voice: string; engine: 'neural' | 'standard' } | undefined {
  const voices = POLLY_VOICES[language];
  const voice = named === undefined ? voices?.[0] : voices?.find((candidate) => candidate.id === named);
  return voice === undefined ? undefined : { voice: voice.id, engine: voice.neural ? 'neural' : 'standard' };
}
