/**
 * The safe Markdown subset of message bodies (common/messages/content.ts), parsed into a tiny
 * tree that the panel turns into React elements and notifications into plain text. Nothing here
 * produces HTML: every character that is not one of the few markers below stays literal text,
 * so `<script>` in a body is shown as those characters.
 *
 * Subset: paragraphs (blank line), line breaks (single newline), `**bold**`, `*italic*`,
 * `[label](url)` links (the panel opens only https on allow-listed hosts and shows any other
 * link as its label), lists of `- item` or `1. item` lines.
 */

/** Inline content. */
export type InlineNode =
  | { type: 'text'; text: string }
  | { type: 'bold'; children: InlineNode[] }
  | { type: 'italic'; children: InlineNode[] }
  | { type: 'link'; href: string; children: InlineNode[] }
  | { type: 'break' };

/** Block content. */
export type BlockNode = { type: 'paragraph'; children: InlineNode[] } | { type: 'list'; ordered: boolean; items: InlineNode[][] };

const LIST_ITEM = /^(?:[-*] |(\d{1,3})\. )(.*)$/;
/** Nesting of bold/italic beyond this is kept as text (a body of 4000 asterisks must not recurse 4000 deep). */
const MAX_INLINE_DEPTH = 4;

/** Parses inline markers; anything unmatched is literal text. */
export function parseInline(text: string, depth = 0): InlineNode[] {
  const nodes: InlineNode[] = [];
  let buffer = '';
  const flush = (): void => {
    if (buffer !== '') nodes.push({ type: 'text', text: buffer });
    buffer = '';
  };
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '\n') {
      flush();
      nodes.push({ type: 'break' });
      index += 1;
      continue;
    }
    if (depth < MAX_INLINE_DEPTH && char === '*' && text[index + 1] === '*') {
      const end = text.indexOf('**', index + 2);
      if (end > index + 2) {
        flush();
        nodes.push({ type: 'bold', children: parseInline(text.slice(index + 2, end), depth + 1) });
        index = end + 2;
        continue;
      }
    } else if (depth < MAX_INLINE_DEPTH && char === '*' && text[index + 1] !== ' ' && text[index + 1] !== undefined) {
      const end = text.indexOf('*', index + 1);
      if (end > index + 1 && text[end + 1] !== '*') {
        flush();
        nodes.push({ type: 'italic', children: parseInline(text.slice(index + 1, end), depth + 1) });
        index = end + 1;
        continue;
      }
    } else if (depth < MAX_INLINE_DEPTH && char === '[') {
      // Any absolute URL makes a link node, so a link the panel will not open still shows as its
      // text instead of raw `[text](url)`; whether it becomes an anchor (https, allow-listed host)
      // is the renderer's decision (renderer message-body.tsx), never this parser's.
      const link = /^\[([^\]\n]{1,300})\]\(([a-zA-Z][a-zA-Z0-9+.-]{0,30}:[^\s()]{1,2000})\)/.exec(text.slice(index, index + 2400));
      if (link) {
        flush();
        nodes.push({ type: 'link', href: link[2]!, children: parseInline(link[1]!, depth + 1) });
        index += link[0].length;
        continue;
      }
    }
    buffer += char;
    index += 1;
  }
  flush();
  return nodes;
}

/** Parses a body into paragraphs and lists. */
export function parseMarkdown(body: string): BlockNode[] {
  const blocks: BlockNode[] = [];
  const normalized = body.replace(/\r\n?/g, '\n');
  for (const chunk of normalized.split(/\n[ \t]*\n/)) {
    const lines = chunk.split('\n');
    let paragraph: string[] = [];
    let list: { ordered: boolean; items: InlineNode[][] } | undefined;
    const endParagraph = (): void => {
      const text = paragraph.join('\n');
      if (text.trim() !== '') blocks.push({ type: 'paragraph', children: parseInline(text) });
      paragraph = [];
    };
    const endList = (): void => {
      if (list) blocks.push({ type: 'list', ordered: list.ordered, items: list.items });
      list = undefined;
    };
    for (const line of lines) {
      const item = LIST_ITEM.exec(line);
      if (item) {
        endParagraph();
        const ordered = item[1] !== undefined;
        if (list && list.ordered !== ordered) endList();
        list ??= { ordered, items: [] };
        list.items.push(parseInline(item[2]!));
      } else {
        endList();
        paragraph.push(line);
      }
    }
    endParagraph();
    endList();
  }
  return blocks;
}

function inlineText(nodes: readonly InlineNode[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return node.text;
        case 'break':
          return '\n';
        default:
          return inlineText(node.children);
      }
    })
    .join('');
}

/** The body as plain text (notifications): markers removed, link labels kept, list items on their own lines. */
export function markdownToPlainText(body: string): string {
  return parseMarkdown(body)
    .map((block) =>
      block.type === 'paragraph' ? inlineText(block.children) : block.items.map((item) => `• ${inlineText(item)}`).join('\n'),
    )
    .join('\n\n');
}
