import type { ReactNode } from 'react';
import { isAllowedHttpsUrl } from '../../../../common/branding.js';
import { parseMarkdown, type InlineNode } from '../../../../common/markdown.js';

/**
 * A message body in the safe Markdown subset (common/markdown.ts), built as React elements: every
 * piece of text is a React text child, which React escapes, and nothing is ever handed to an HTML
 * parser (no dangerouslySetInnerHTML anywhere in the panel). Links become anchors only when they
 * are https on an allow-listed host; any other link shows only its text, as plain text (the
 * owner cannot act on the URL, and raw `[text](url)` syntax reads as a broken message).
 * `npm run admin -- validate` refuses such links before they are published.
 */
export function MessageBody({ body, allowedLinkHosts }: { body: string; allowedLinkHosts: readonly string[] }) {
  return (
    <div className="message-body">
      {parseMarkdown(body).map((block, index) =>
        block.type === 'paragraph' ? (
          <p key={index}>{renderInline(block.children, allowedLinkHosts)}</p>
        ) : block.ordered ? (
          <ol key={index}>
            {block.items.map((item, itemIndex) => (
              <li key={itemIndex}>{renderInline(item, allowedLinkHosts)}</li>
            ))}
          </ol>
        ) : (
          <ul key={index}>
            {block.items.map((item, itemIndex) => (
              <li key={itemIndex}>{renderInline(item, allowedLinkHosts)}</li>
            ))}
          </ul>
        ),
      )}
    </div>
  );
}

function renderInline(nodes: readonly InlineNode[], hosts: readonly string[]): ReactNode[] {
  return nodes.map((node, index) => {
    switch (node.type) {
      case 'text':
        return node.text;
      case 'break':
        return <br key={index} />;
      case 'bold':
        return <strong key={index}>{renderInline(node.children, hosts)}</strong>;
      case 'italic':
        return <em key={index}>{renderInline(node.children, hosts)}</em>;
      case 'link':
        return isAllowedHttpsUrl(node.href, hosts) ? (
          <a key={index} href={node.href} target="_blank" rel="noopener noreferrer">
            {renderInline(node.children, hosts)}
          </a>
        ) : (
          <span key={index}>{renderInline(node.children, hosts)}</span>
        );
    }
  });
}
