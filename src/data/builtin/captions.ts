// Captions of a built-in scene: a fixed list of phrasings (5 per image), each naming the colour and shape
// of every object; the batcher picks one per image per epoch. Phrasings vary in what else they say
// (size, position, relation, its inverse) so the text tower has to read, not memorise one template.

import { article, INVERSE_RELATION, type ObjectAttrs, type Position, type SceneAttrs } from './attributes';

const POSITION_PHRASE: Readonly<Record<Position, string>> = {
  left: 'on the left',
  right: 'on the right',
  top: 'at the top',
  bottom: 'at the bottom',
  centre: 'in the centre',
};

const cs = (o: ObjectAttrs) => `${o.colour} ${o.shape}`;
const scs = (o: ObjectAttrs) => `${o.size} ${o.colour} ${o.shape}`;

/** All captions of a scene, in a fixed order (index = template id). */
export function captionsFor(scene: SceneAttrs): string[] {
  const [a, b] = scene.objects;
  if (!b || scene.relation === null) {
    const pos = POSITION_PHRASE[a.position];
    return [
      article(scs(a)),
      `${article(cs(a))} ${pos}`,
      `a picture of ${article(scs(a))}`,
      `${article(scs(a))} ${pos}`,
      `there is ${article(cs(a))} ${pos}`,
    ];
  }
  const rel = scene.relation;
  return [
    `${article(cs(a))} ${rel} ${article(cs(b))}`,
    `${article(scs(a))} ${rel} ${article(scs(b))}`,
    `${article(cs(b))} ${INVERSE_RELATION[rel]} ${article(cs(a))}`,
    `a picture of ${article(cs(a))} and ${article(cs(b))}`,
    `${article(cs(a))} ${POSITION_PHRASE[a.position]} and ${article(cs(b))} ${POSITION_PHRASE[b.position]}`,
  ];
}
