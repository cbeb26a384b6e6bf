import { sections, type PageEntry } from "../page-list";

/** The side navigation: the pages the key may use, grouped by section, as plain links (keyboard and middle-click work). */
export function NavigationMenu(props: { pages: PageEntry[]; current: string }) {
  return (
    <nav className="side-nav" aria-label="Console pages">
      {sections.map((section) => {
        const pages = props.pages.filter((page) => page.section === section);
        if (pages.length === 0) return null;
        const headingId = `nav-${section.toLowerCase()}`;
        return (
          <div key={section} className="nav-section">
            <h2 id={headingId}>{section}</h2>
            <ul aria-labelledby={headingId}>
              {pages.map((page) => (
                <li key={page.id}>
                  <a href={`#${page.id}`} aria-current={page.id === props.current ? "page" : undefined}>
                    {page.title}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}
