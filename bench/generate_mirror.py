#!/usr/bin/env python3
"""generate_mirror.py: writes a large synthetic wget mirror shaped like samples/lfnkr.

    python3 bench/generate_mirror.py --posts 10000 --out bench/out/m10k --images
    python3 bench/generate_mirror.py --posts 1000 --out /tmp/m1k --no-images --seed 7

Output: OUT/www.northkoreanrefugees.com/..., laid out the way
`wget --mirror --adjust-extension` saves the site (as samples/lfnkr is):
  * N WordPress posts, YYYY/MM/DD/slug/index.html, dated over 2003-2023, with
    categories, tags, authors, excerpts ("read more"), prev/next links, the
    full boilerplate (menu, sidebar with the monthly-archive and category
    dropdowns, "older archives", who-we-are and contact blocks, footer,
    scripts, styles, an inline onclick); 200-2000 words each; about 15% carry
    Japanese/Korean words; internal links to other posts, about 3% a link to
    a page that is not generated, about 5% an external link, about 5% a link
    to a monthly archive (otherwise, as on the real site, monthly archives are
    only named in the sidebar's dropdown, which wget does not follow);
  * listings, 10 posts a page: home + page/K/, category/SLUG/[page/K/],
    YYYY/MM/[page/K/], tag/SLUG/[page/K/], author/SLUG/[page/K/];
  * static pages (about, faq, activities, sitemap, resources, links,
    privacy-policy), donate/ (the one meta-refresh redirect, to /about/),
    a few short-link copies "index.html?p=ID.html";
  * the old static site: old/index.htm, old/archives/*.htm and annual reports
    old/reports/annual_report_YYYY.htm for 2003-2014 (windows-1252, 2011 and
    2013 declared iso-8859-1), jp/index.htm (Shift_JIS, copied from the
    sample), theme CSS/JS and the logo (copied from the sample);
  * with --images: about one image per 5 posts under wp-content/uploads/YYYY/MM/,
    20-200 KB each: PNGs written with zlib, JPEGs made from the sample's JPEG
    with a COM segment of random bytes inserted, so every file differs.
Text comes from the words of the repo's sample mirror (read at run time from
--sample, default samples/lfnkr next to this script), through a word-bigram
chain driven by a seeded RNG: the same arguments give byte-identical output.
Pages are written as they are made (memory holds only per-post metadata and
excerpts), so 100k posts work. Standard library only; prints progress lines.
"""
import argparse
import bisect
import datetime
import html
import os
import random
import re
import struct
import sys
import time
import zlib

HOST = "www.northkoreanrefugees.com"
S = "https://" + HOST
SITE_NAME = "northkoreanrefugees.com"
TAGLINE = "Life Funds for North Korean Refugees"
PER_PAGE = 10
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
MENU = [("Home", "/", 11), ("Sitemap", "/sitemap/", 31), ("About", "/about/", 25), ("Resources", "/resources/", 27),
        ("Links", "/links/", 29), ("FAQ", "/faq/", 24), ("Activities", "/activities/", 26),
        ("Privacy Policy", "/privacy-policy/", 301)]
AUTHORS = [("lfnkr", "LFNKR", 60), ("kato", "Kato Hiroshi", 20), ("editor", "LFNKR Editor", 15),
           ("translator", "Volunteer Translator", 5)]  # slug, name, weight
AUTHOR_NAMES = {slug: name for slug, name, _ in AUTHORS}
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af][\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u30fc]*")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def slugify(text, limit=70):
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0]
    return s or "post"


def esc(s):
    return html.escape(s, quote=False)


def esc_attr(s):
    return html.escape(s, quote=True)


# --------------------------------------------------------------- vocabulary
class Vocabulary:
    """Sentences, a word-bigram chain, CJK terms, categories and tags of the sample."""

    def __init__(self, sample_root):
        hosts = sorted(d for d in os.listdir(sample_root) if os.path.isdir(os.path.join(sample_root, d)))
        if not hosts:
            sys.exit("generate_mirror: no host folder in %s" % sample_root)
        self.host_dir = os.path.join(sample_root, hosts[0])
        lines, seen = [], set()
        self.cjk, cjk_seen = [], set()
        self.categories = []  # (slug, name, id)
        self.tags = []
        tag_seen = set()
        self.external = []
        ext_seen = set()
        self.pages = 0
        for dirpath, dirnames, files in os.walk(self.host_dir):
            dirnames.sort()
            for f in sorted(files):
                if not re.search(r"\.html?$", f):
                    continue
                data = open(os.path.join(dirpath, f), "rb").read()
                m = re.search(rb'<meta[^>]+charset=["\']?([A-Za-z0-9_-]+)', data[:4096], re.I)
                cs = m.group(1).decode().lower() if m else "utf-8"
                cs = {"iso-8859-1": "cp1252", "windows-1252": "cp1252"}.get(cs, cs)
                text = data.decode(cs, "replace")
                self.pages += 1
                if not self.categories:
                    for cid, name in re.findall(r'<option class="level-0" value="(\d+)">([^<]+)</option>', text):
                        name = html.unescape(name)
                        self.categories.append((slugify(name), name, int(cid)))
                for name in re.findall(r'rel="tag">([^<]+)</a>', text):
                    name = html.unescape(name)
                    if name not in tag_seen:
                        tag_seen.add(name)
                        self.tags.append(name)
                for url in re.findall(r'href="(https?://[^"]+)"', text):
                    if HOST not in url and "wordpress.org" not in url and "gmpg.org" not in url and url not in ext_seen:
                        ext_seen.add(url)
                        self.external.append(html.unescape(url))
                parts = re.findall(r'<div class="entry-content">(.*?)</div><!-- .entry-content -->', text, re.S)
                if not parts:
                    parts = re.findall(r'class="content">(.*?)<hr size', text, re.S | re.I) or [text]
                for part in parts:
                    part = re.sub(r"(?is)<(script|style|iframe)\b.*?</\1>", " ", part)
                    part = re.sub(r"(?i)<(/?(p|li|td|th|tr|br|h[1-6]|div|blockquote|ul|ol|table|figcaption)\b)[^>]*>", "\n", part)
                    part = html.unescape(re.sub(r"<[^>]+>", "", part))
                    for line in part.split("\n"):
                        line = " ".join(line.split())
                        for term in CJK_RE.findall(line):
                            if term not in cjk_seen:
                                cjk_seen.add(term)
                                self.cjk.append(term)
                        if len(line.split()) >= 6 and line not in seen:
                            seen.add(line)
                            lines.append(line)
        self.sentences = []
        for line in lines:
            for s in re.split(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z“\"(])", line):
                if len(s.split()) >= 4:
                    self.sentences.append(s)
        # word-bigram chain; None marks the end of a sentence
        chain, starts = {}, []
        for s in self.sentences:
            words = s.split()
            starts.append(words[0])
            for a, b in zip(words, words[1:] + [None]):
                chain.setdefault(a, []).append(b)
        self.chain, self.starts = chain, starts
        # the same chain as linked nodes [word, [next nodes]] for a walk without dict look-ups
        nodes = {w: [w, None] for w in chain}
        for w, nexts in chain.items():
            nodes[w][1] = [nodes[b] if b is not None else None for b in nexts]
        self.start_nodes = [nodes[w] for w in starts]
        self.title_starts = [w for w in starts if w[:1].isupper() and w.isalpha()] or starts
        capital = {}
        for s in self.sentences:
            for w in s.split()[1:]:
                w = w.strip(".,;:()“”\"’'")
                if (len(w) > 3 and w[:1].isupper() and w.isalpha() and not w.isupper()
                    and w not in MONTH_NAMES and w not in ("This", "That", "These", "Those", "There", "They", "When", "With")):
                    capital[w] = capital.get(w, 0) + 1
        for w, _ in sorted(capital.items(), key=lambda kv: (-kv[1], kv[0]))[:60]:
            if w not in tag_seen:
                tag_seen.add(w)
                self.tags.append(w)
        self.names = [w for w, _ in sorted(capital.items(), key=lambda kv: (-kv[1], kv[0]))[:200]]
        if not self.categories:
            self.categories = [("north-korean-refugees", "North Korean Refugees", 2), ("north-korea", "North Korea", 10)]
        if not self.external:
            self.external = ["https://www.unhcr.org/"]
        self.words = sum(len(s.split()) for s in self.sentences)


class TextMaker:
    """Random text from the vocabulary; every call draws from the one seeded RNG."""

    def __init__(self, vocab, rng):
        self.v, self.rng, self.r = vocab, rng, rng.random

    def sentence(self, max_words=40):
        r = self.r
        starts = self.v.start_nodes
        node = starts[int(r() * len(starts))]
        out = [node[0]]
        succ = node[1]
        for _ in range(max_words - 1):
            node = succ[int(r() * len(succ))]
            if node is None:
                break
            out.append(node[0])
            succ = node[1]
        s = " ".join(out)
        if s[-1] not in ".!?”\"":
            s = s.rstrip(",;:") + "."
        return s

    def paragraph(self, budget):
        """(html, words) of one paragraph of at most about `budget` words."""
        n = 2 + int(self.r() * 5)
        sents, words = [], 0
        for _ in range(n):
            s = self.sentence()
            sents.append(s)
            words += s.count(" ") + 1
            if words >= budget:
                break
        return esc(" ".join(sents)), words

    def title(self):
        r = self.r
        starts = self.v.title_starts
        w = starts[int(r() * len(starts))]
        out = [w]
        want = 3 + int(r() * 6)
        while len(out) < want:
            succ = self.v.chain.get(w)
            if not succ:
                break
            w = succ[int(r() * len(succ))]
            if w is None:
                break
            out.append(w)
        t = " ".join(out).strip(" .,;:“”\"()’")
        return t[:1].upper() + t[1:] if t else "News from LFNKR"

    def cjk_phrase(self):
        r = self.r
        name = self.v.names[int(r() * len(self.v.names))] if self.v.names else "Kim"
        term = self.v.cjk[int(r() * len(self.v.cjk))]
        return "%s (%s)" % (name, term)


# --------------------------------------------------------------- the posts
class Post:
    __slots__ = ("i", "id", "y", "m", "d", "hh", "mi", "slug", "title", "cats", "tags", "author", "words",
                 "image", "cjk", "url", "intro")

    def date_iso(self):
        return "%04d-%02d-%02dT%02d:%02d:00+09:00" % (self.y, self.m, self.d, self.hh, self.mi)

    def date_human(self):
        return "%s %d, %d" % (MONTH_NAMES[self.m - 1], self.d, self.y)


def make_posts(n, rng, tm, vocab, images):
    """Post metadata, oldest first, ids increasing with the date."""
    r = rng.random
    months = [(y, m) for y in range(2003, 2024) for m in range(1, 13)]
    # uneven activity: each month gets a weight, some months are silent
    weights = [0.0 if r() < 0.12 else 0.3 + r() * (1.0 + (y - 2003) / 20.0) for y, m in months]
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    stamps = []
    for _ in range(n):
        k = bisect.bisect_left(cum, r() * total)
        y, m = months[min(k, len(months) - 1)]
        dim = [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        stamps.append((y, m, 1 + int(r() * dim), 8 + int(r() * 12), int(r() * 60)))
    stamps.sort()
    cats = vocab.categories
    cat_weights = [6 if s == "north-korean-refugees" else (3 if s in ("north-korea", "defectors", "china") else 1)
                   for s, _, _ in cats]
    author_pool = [slug for slug, _, weight in AUTHORS for _ in range(weight)]
    posts, slugs = [], set()
    pid = 120
    for i, (y, m, d, hh, mi) in enumerate(stamps):
        p = Post()
        p.i = i
        pid += 1 + int(r() * 9)
        p.id = pid
        p.y, p.m, p.d, p.hh, p.mi = y, m, d, hh, mi
        p.title = tm.title()
        base = slugify(p.title)
        slug, k = base, 2
        while (y, m, d, slug) in slugs:
            slug = "%s-%d" % (base, k)
            k += 1
        slugs.add((y, m, d, slug))
        p.slug = slug
        p.url = "%s/%04d/%02d/%02d/%s/" % (S, y, m, d, slug)
        nc = 1 + int(r() ** 2 * 4)
        chosen = []
        while len(chosen) < nc:
            c = rng.choices(range(len(cats)), cat_weights)[0]
            if c not in chosen:
                chosen.append(c)
        p.cats = sorted(chosen, key=lambda c: cats[c][1].lower())
        nt = int(r() * 4)
        p.tags = sorted({int(r() * len(vocab.tags)) for _ in range(nt)})
        p.author = author_pool[int(r() * len(author_pool))]
        p.words = 200 + int(1800 * r() ** 1.7)
        p.image = images and r() < 0.2
        p.cjk = r() < 0.15
        p.intro = ""
        posts.append(p)
    return posts


# --------------------------------------------------------------- writer
class Writer:
    def __init__(self, out):
        self.root = os.path.join(out, HOST)
        self.dirs = set()
        self.files = 0
        self.bytes = 0

    def write(self, rel, data):
        path = os.path.join(self.root, rel)
        d = os.path.dirname(path)
        if d not in self.dirs:
            os.makedirs(d, exist_ok=True)
            self.dirs.add(d)
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)


class Site:
    """Page templates: the WordPress classic-theme boilerplate of the sample."""

    def __init__(self, vocab, posts):
        self.vocab = vocab
        self.cats = vocab.categories
        self.tag_names = vocab.tags
        self.tag_slugs = [slugify(t) for t in vocab.tags]
        # dedupe tag slugs deterministically
        seen = {}
        for k, s in enumerate(self.tag_slugs):
            if s in seen:
                self.tag_slugs[k] = "%s-%d" % (s, k)
            seen[s] = k
        months = sorted({(p.y, p.m) for p in posts}, reverse=True)
        self.sidebar = self._sidebar(months)
        self.footer = self._footer()
        self.masthead_home = self._masthead(True)
        self.masthead = self._masthead(False)

    def head(self, title, canonical, shortlink=None, og_type="website", description=None, published=None):
        h = ['<!doctype html>\n<html lang="en-US">\n<head>\n\t<meta charset="UTF-8">\n'
             '\t<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             '\t<link rel="profile" href="https://gmpg.org/xfn/11">\n\n<title>', title, "</title>\n",
             HEAD_FIXED, '<link rel="canonical" href="', canonical, '" />\n']
        if shortlink:
            h += ["<link rel='shortlink' href='", shortlink, "' />\n"]
        if description:
            h += ['<meta name="description" content="', esc_attr(description), '" />\n']
        h += ['<meta property="og:type" content="', og_type, '" />\n<meta property="og:title" content="',
              title.rsplit(" &#8211; " + SITE_NAME, 1)[0], '" />\n<meta property="og:url" content="', canonical,
              '" />\n<meta property="og:site_name" content="', SITE_NAME, '" />\n<meta property="og:locale" content="en_US" />\n']
        if published:
            h += ['<meta property="article:published_time" content="', published, '" />\n']
        h.append('<link rel="icon" href="%s/wp-content/uploads/2019/05/lfnkr-logo.png" sizes="96x96" />\n</head>\n\n' % S)
        return "".join(h)

    def _masthead(self, is_home):
        items = []
        for label, path, mid in MENU:
            kind = "custom" if path == "/" else "post_type"
            obj = "custom" if path == "/" else "page"
            cls = "menu-item menu-item-type-%s menu-item-object-%s%s menu-item-%d" % (
                kind, obj, " menu-item-home" if path == "/" else "", mid)
            cur = ""
            if is_home and path == "/":
                cls += " current-menu-item current_page_item"
                cur = ' aria-current="page"'
            items.append('<li id="menu-item-%d" class="%s"><a href="%s%s"%s>%s</a></li>' % (mid, cls, S, path, cur, label))
        t = "h1" if is_home else "p"
        return ('<div id="page" class="site">\n\t<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>\n\n'
                '\t<header id="masthead" class="site-header">\n\t\t<div class="site-branding">\n'
                '\t\t\t<a href="%s/" class="custom-logo-link" rel="home"><img width="96" height="96" src="%s/wp-content/uploads/2019/05/lfnkr-logo.png" class="custom-logo" alt="%s" decoding="async" /></a>\n'
                '\t\t\t\t<%s class="site-title"><a href="%s/" rel="home">%s</a></%s>\n'
                '\t\t\t\t\t\t\t\t<p class="site-description">%s</p>\n\t\t\t\t\t</div><!-- .site-branding -->\n\n'
                '\t\t<nav id="site-navigation" class="main-navigation">\n'
                '\t\t\t<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false" onclick="this.parentNode.classList.toggle(\'toggled\');">Menu</button>\n'
                '\t\t\t<div class="menu-main-menu-container"><ul id="primary-menu" class="menu">%s\n</ul></div>\t\t</nav><!-- #site-navigation -->\n'
                '\t</header><!-- #masthead -->\n\n\t<div id="content" class="site-content">\n'
                % (S, S, SITE_NAME, t, S, SITE_NAME, t, TAGLINE, "\n".join(items)))

    def _sidebar(self, months):
        opts = "\n".join("\t<option value='%s/%04d/%02d/'> %s %d </option>" % (S, y, m, MONTH_NAMES[m - 1], y)
                         for y, m in months)
        cats = "\n".join('\t<option class="level-0" value="%d">%s</option>' % (i, esc(n))
                         for s, n, i in sorted(self.cats, key=lambda c: c[1].lower()))
        return SIDEBAR_TEMPLATE.replace("{S}", S).replace("{MONTHS}", opts).replace("{CATS}", cats)

    def _footer(self):
        return FOOTER_TEMPLATE.replace("{S}", S).replace("{SITE}", SITE_NAME)

    def cat_url(self, c):
        return "%s/category/%s/" % (S, self.cats[c][0])

    def tag_url(self, t):
        return "%s/tag/%s/" % (S, self.tag_slugs[t])

    def post_classes(self, p):
        c = ["post-%d post type-post status-publish format-standard" % p.id]
        if p.image:
            c.append("has-post-thumbnail")
        c.append("hentry")
        c += ["category-" + self.cats[k][0] for k in p.cats]
        c += ["tag-" + self.tag_slugs[t] for t in p.tags]
        return " ".join(c)

    def entry_meta(self, p):
        slug, name = p.author, AUTHOR_NAMES[p.author]
        cats = ", ".join('<a href="%s" rel="category tag">%s</a>' % (self.cat_url(k), esc(self.cats[k][1])) for k in p.cats)
        return ('\t\t\t<div class="entry-meta">\n\t\t\t\t<span class="posted-on"><a href="%s" rel="bookmark">'
                '<time class="entry-date published" datetime="%s">%s</time></a></span>'
                '<span class="byline"> by <span class="author vcard"><a class="url fn n" href="%s/author/%s/">%s</a></span></span>'
                '<span class="cat-links">%s</span>\t\t\t</div><!-- .entry-meta -->\n'
                % (p.url, p.date_iso(), p.date_human(), S, slug, name, cats))

    def more_link(self, p):
        return ('<p><a href="%s#more-%d" class="more-link">Read more<span class="screen-reader-text"> &#8220;%s&#8221;</span></a></p>'
                % (p.url, p.id, esc(p.title)))

    def listing_entry(self, p):
        return ('\n<article id="post-%d" class="%s">\n\t<header class="entry-header">\n'
                '\t\t<h2 class="entry-title"><a href="%s" rel="bookmark">%s</a></h2>\n%s\t</header><!-- .entry-header -->\n\n'
                '\t<div class="entry-content">\n\t\t%s\n\n%s\n\t</div><!-- .entry-content -->\n</article><!-- #post-%d -->\n'
                % (p.id, self.post_classes(p), p.url, esc(p.title), self.entry_meta(p), p.intro, self.more_link(p), p.id))

    def listing_page(self, title, canonical, body_class, header_html, posts, older, newer, is_home=False):
        h = [self.head(title, canonical), '<body class="%s">\n' % body_class,
             self.masthead_home if is_home else self.masthead, '\n\t<main id="primary" class="site-main">\n\n', header_html]
        for p in posts:
            h.append(self.listing_entry(p))
        h.append('\n\t<nav class="navigation posts-navigation" aria-label="Posts">\n\t\t<h2 class="screen-reader-text">Posts navigation</h2>\n\t\t<div class="nav-links">')
        if older:
            h.append('<div class="nav-previous"><a href="%s" >&laquo; Older posts</a></div>' % older)
        if newer:
            h.append('<div class="nav-next"><a href="%s" >Newer posts &raquo;</a></div>' % newer)
        h += ['</div>\n\t</nav>\n\n\t</main><!-- #main -->\n\n', self.sidebar, self.footer]
        return "".join(h)

    def single(self, p, content, prev_p, next_p, description):
        tags = ""
        if p.tags:
            tags = '<span class="tags-links">Tagged %s</span>' % ", ".join(
                '<a href="%s" rel="tag">%s</a>' % (self.tag_url(t), esc(self.tag_names[t])) for t in p.tags)
        nav = ""
        if prev_p:
            nav += '<div class="nav-previous"><a href="%s" rel="prev"><span class="nav-subtitle">Previous:</span> <span class="nav-title">%s</span></a></div>' % (prev_p.url, esc(prev_p.title))
        if next_p:
            nav += '<div class="nav-next"><a href="%s" rel="next"><span class="nav-subtitle">Next:</span> <span class="nav-title">%s</span></a></div>' % (next_p.url, esc(next_p.title))
        return "".join([
            self.head("%s &#8211; %s" % (esc(p.title), SITE_NAME), p.url, shortlink="%s/?p=%d" % (S, p.id),
                      og_type="article", description=description,
                      published=(datetime.datetime(p.y, p.m, p.d, p.hh, p.mi) - datetime.timedelta(hours=9))
                      .strftime("%Y-%m-%dT%H:%M:00+00:00")),
            '<body class="post-template-default single single-post postid-%d single-format-standard">\n' % p.id,
            self.masthead,
            '\n\t<main id="primary" class="site-main">\n\n\t\t\n<article id="post-%d" class="%s">\n\t<header class="entry-header">\n'
            '\t\t<h1 class="entry-title">%s</h1>\n' % (p.id, self.post_classes(p), esc(p.title)),
            self.entry_meta(p), '\t</header><!-- .entry-header -->\n\n\t<div class="entry-content">\n\t\t', content,
            '\n\t</div><!-- .entry-content -->\n\n\t<footer class="entry-footer">\n\t\t', tags,
            '<span class="print-link"><a href="#" onclick="window.print(); return false;">Print this page</a></span>\t</footer><!-- .entry-footer -->\n'
            '</article><!-- #post-%d -->\n' % p.id,
            '\n\t<nav class="navigation post-navigation" aria-label="Posts">\n\t\t<h2 class="screen-reader-text">Post navigation</h2>\n\t\t<div class="nav-links">',
            nav, '</div>\n\t</nav>\n\t</main><!-- #main -->\n\n', self.sidebar, self.footer])

    def static_page(self, pid, slug, title, content):
        url = "%s/%s/" % (S, slug)
        return "".join([
            self.head("%s &#8211; %s" % (title, SITE_NAME), url, shortlink="%s/?p=%d" % (S, pid), og_type="article"),
            '<body class="page-template-default page page-id-%d">\n' % pid, self.masthead,
            '\n\t<main id="primary" class="site-main">\n\n\t\t\n<article id="post-%d" class="post-%d page type-page status-publish hentry">\n'
            '\t<header class="entry-header">\n\t\t<h1 class="entry-title">%s</h1>\t</header><!-- .entry-header -->\n\n'
            '\t<div class="entry-content">\n\t\t%s\n\t</div><!-- .entry-content -->\n\n</article><!-- #post-%d -->\n'
            '\n\t</main><!-- #main -->\n\n' % (pid, pid, title, content, pid), self.sidebar, self.footer])


HEAD_FIXED = ("<meta name='robots' content='max-image-preview:large' />\n"
              '<link rel="alternate" type="application/rss+xml" title="northkoreanrefugees.com &raquo; Feed" href="' + S + '/feed/" />\n'
              '<script type="text/javascript">\n/* <![CDATA[ */\nwindow._wpemojiSettings = {"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/14.0.0\\/72x72\\/","ext":".png","svgUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/14.0.0\\/svg\\/","svgExt":".svg","source":{"concatemoji":"https:\\/\\/www.northkoreanrefugees.com\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver=6.4.2"}};\n'
              "!function(i,n){var o,s,e;function c(e){try{var t={supportTests:e,timestamp:(new Date).valueOf()};sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}}(window,document);\n/* ]]> */\n</script>\n"
              "<style id='wp-emoji-styles-inline-css' type='text/css'>\n\n\timg.wp-smiley, img.emoji {\n\t\tdisplay: inline !important;\n\t\tborder: none !important;\n\t\tbox-shadow: none !important;\n\t\theight: 1em !important;\n\t\twidth: 1em !important;\n\t\tmargin: 0 0.07em !important;\n\t\tvertical-align: -0.1em !important;\n\t\tbackground: none !important;\n\t\tpadding: 0 !important;\n\t}\n</style>\n"
              "<link rel='stylesheet' id='wp-block-library-css' href='" + S + "/wp-includes/css/dist/block-library/style.min.css?ver=6.4.2' type='text/css' media='all' />\n"
              "<style id='classic-theme-styles-inline-css' type='text/css'>\n/*! This file is auto-generated */\n.wp-block-button__link{color:#fff;background-color:#32373c;border-radius:9999px;box-shadow:none;text-decoration:none;padding:calc(.667em + 2px) calc(1.333em + 2px);font-size:1.125em}.wp-block-file__button{background:#32373c;color:#fff;text-decoration:none}\n</style>\n"
              '<link rel="stylesheet" href="' + S + '/wp-content/themes/lfnkr/style.css" type="text/css" media="screen" />\n'
              '<meta name="generator" content="WordPress 6.4.2" />\n')

SIDEBAR_TEMPLATE = """
<aside id="secondary" class="widget-area">
	<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{S}/">
				<label>
					<span class="screen-reader-text">Search for:</span>
					<input type="search" class="search-field" placeholder="Search this website" value="" name="s" />
				</label>
				<input type="submit" class="search-submit" value="Search" />
			</form></section><section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2>		<label class="screen-reader-text" for="archives-dropdown-2">Archives</label>
		<select id="archives-dropdown-2" name="archive-dropdown">
			
			<option value="">Select Month</option>
{MONTHS}

		</select>

<script type="text/javascript">
/* <![CDATA[ */
(function() {
	var dropdown = document.getElementById( "archives-dropdown-2" );
	function onSelectChange() {
		if ( dropdown.options[ dropdown.selectedIndex ].value !== '' ) {
			document.location.href = this.options[ this.selectedIndex ].value;
		}
	}
	dropdown.onchange = onSelectChange;
})();
/* ]]> */
</script>
</section><section id="text-3" class="widget widget_text"><h2 class="widget-title">Older Archives</h2>			<div class="textwidget"><p><a href="{S}/old/archives/2006-2014.htm">Jan. 2006 --&gt; Dec. 2014</a><br />
<a href="{S}/old/archives/2002-2005.htm">Aug. 2002 --&gt; Dec. 2005</a></p>
</div>
		</section><section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><form action="{S}" method="get"><label class="screen-reader-text" for="cat">Categories</label><select  name='cat' id='cat' class='postform'>
	<option value='-1'>Select Category</option>
{CATS}
</select>
</form><script type="text/javascript">
/* <![CDATA[ */
(function() {
	var dropdown = document.getElementById( "cat" );
	function onCatChange() {
		if ( dropdown.options[ dropdown.selectedIndex ].value > 0 ) {
			dropdown.parentNode.submit();
		}
	}
	dropdown.onchange = onCatChange;
})();
/* ]]> */
</script>
</section><section id="text-4" class="widget widget_text"><h2 class="widget-title">Who We Are</h2>			<div class="textwidget"><p><strong>LFNKR</strong><br />
is a Japanese-based NGO dedicated to the support and protection of North Korean refugees and their certification</p>
<p><a href="{S}/jp/index.htm">Read it in Japanese</a><br />
LFNKR&#8217;s Japanese language website</p>
</div>
		</section><section id="text-5" class="widget widget_text"><h2 class="widget-title">Contact Us</h2>			<div class="textwidget"><p><strong>Life Funds for North Korean Refugees</strong><br />
Representative: Kato Hiroshi<br />
Hongo 1-33-3-801, Bunkyo-ku<br />
Tokyo, Japan 113-0033<br />
Tel / Fax +81-3-3815-8127<br />
To email us <a href="mailto:info@northkoreanrefugees.com">click here</a></p>
</div>
		</section></aside><!-- #secondary -->
"""

FOOTER_TEMPLATE = """
	</div><!-- #content -->

	<footer id="colophon" class="site-footer">
		<div class="site-info">
			&copy; 2025 &nbsp;<a href="{S}/">{SITE}</a>
			<span class="sep"> | </span>
			<a href="https://wordpress.org/">Powered by WordPress</a>
		</div><!-- .site-info -->
	</footer><!-- #colophon -->
</div><!-- #page -->

<script type="text/javascript" src="{S}/wp-content/themes/lfnkr/js/navigation.js" id="lfnkr-navigation-js"></script>
<script type="text/javascript">
/* <![CDATA[ */
var lfnkr_stats = {"page":window.location.pathname};
(function(){ if (window.console) { console.log('lfnkr', lfnkr_stats.page); } })();
/* ]]> */
</script>

</body>
</html>
"""


# --------------------------------------------------------------- images
def png_bytes(rng, target):
    """A PNG of about `target` bytes: noise rows (incompressible) and gradient rows."""
    w = 320 + 16 * int(rng.random() * 40)
    row = w * 3
    noise_rows = max(1, target // (row + 1))
    h = noise_rows + 20 + int(rng.random() * 200)
    c = [int(rng.random() * 255) for _ in range(3)]
    flat = bytes(c) * w
    raw = bytearray()
    gap = max(1, h // noise_rows)
    for y in range(h):
        raw.append(0)
        if y % gap == 0 and noise_rows > 0:
            raw += rng.randbytes(row)
            noise_rows -= 1
        else:
            raw += flat
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 1)) + chunk(b"IEND", b"")), w, h


def jpeg_bytes(rng, template, target):
    """The sample's JPEG with COM segments of random bytes after SOI, about `target` bytes."""
    pad = max(16, target - len(template))
    segs = []
    while pad > 0:
        n = min(pad, 65533)
        segs.append(b"\xff\xfe" + struct.pack(">H", n + 2) + rng.randbytes(n))
        pad -= n
    return template[:2] + b"".join(segs) + template[2:]


def jpeg_size(data):
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        seglen = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + seglen
    return None


# --------------------------------------------------------------- old site
def old_page(title, charset, body, depth):
    up = "../" * depth
    meta = ('<meta http-equiv="Content-Type" content="text/html; charset=%s">\n' % charset) if charset else ""
    return ("""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
%s<title>%s</title>
<link href="%sstyle.css" rel="stylesheet" type="text/css">
<script language="JavaScript" type="text/JavaScript">
<!--
function MM_openBrWindow(theURL,winName,features) { //v2.0
  window.open(theURL,winName,features);
}
//-->
</script>
</head>

<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="780" border="0" cellpadding="0" cellspacing="0" align="center">
  <tr>
    <td colspan="2" class="banner"><a href="%sindex.htm"><font size="5" color="#003366"><b>Life Funds for North Korean Refugees</b></font></a><br>
      <font size="2">Tokyo, Japan&nbsp;&nbsp;|&nbsp;&nbsp;<a href="http://%s/">Go to our current website</a></font></td>
  </tr>
  <tr>
    <td width="170" valign="top" class="menu">
      <form method="get" action="http://www.google.com/search">
        <input type="hidden" name="sitesearch" value="%s">
        <b>Search Website</b><br>
        <input type="text" name="q" size="15" maxlength="255">
        <input type="submit" name="btnG" value="Go">
      </form>
      <p><a href="%sabout.htm">About Our Group</a></p>
      <p><a href="%s../jp/index.htm">Our Japanese Website</a></p>
      <p><a href="%sfaq.htm">Frequently Asked Questions</a></p>
      <p><a href="%sactivities.htm">What We Are Doing</a></p>
      <p><a href="%scontact.htm" onClick="MM_openBrWindow('%scontact.htm','contact','width=500,height=400'); return false;">Contact Us</a></p>
    </td>
    <td valign="top" class="content">
%s
      <hr size="1" noshade>
      <p class="small">Copyright &copy; 2002-2014 Life Funds for North Korean Refugees. All rights reserved.<br>
      <a href="%sarchives/2006-2014.htm">Archives Jan. 2006 - Dec. 2014</a> | <a href="%sarchives/2002-2005.htm">Archives Aug. 2002 - Dec. 2005</a></p>
    </td>
  </tr>
</table>
</body>
</html>
""" % (meta, title, up, up, HOST, HOST, up, up, up, up, up, up, body, up, up))


def old_report(year, tm, rng):
    r = rng.random
    b = ['      <h1><a name="top"></a>Annual Report %d</h1>\n' % year,
         '      <h2>Activity Report \u2013 Fiscal Year %d-%d</h2>\n' % (year - 1, year)]
    for _ in range(2 + int(r() * 3)):
        b.append("      <p>%s\n" % tm.paragraph(120)[0])
    for k in range(5 + int(r() * 5)):
        b.append('      <p><b><a name="s%d"></a>%s. %s</b></p>\n' % (k + 1, ROMAN[k], esc(tm.title())))
        b.append("      <p>%s\n" % tm.paragraph(90)[0])
        if r() < 0.6:
            b.append('      <ol type="A">\n')
            for _ in range(2 + int(r() * 3)):
                b.append("        <li>%s\n" % esc(tm.sentence(30)))
            b.append("      </ol>\n")
        if r() < 0.3:
            b.append('      <table border="1" cellpadding="4" cellspacing="0" width="90%">\n'
                     '        <tr bgcolor="#E6E6E6"><th align="left">Item</th><th align="right">Amount</th></tr>\n')
            for _ in range(3 + int(r() * 4)):
                b.append('        <tr><td>%s</td><td align="right">%d tons</td></tr>\n'
                         % (esc(" ".join(tm.sentence(8).split()[:5]).rstrip(".,")), 1 + int(r() * 60)))
            b.append("      </table>\n")
    b.append('      <p align="right"><a href="#top">Back to top</a>&nbsp;&nbsp;|&nbsp;&nbsp;<a href="%s/">Latest news (current website)</a></p>\n' % S)
    return "".join(b)


# --------------------------------------------------------------- main
def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="Writes a large synthetic wget mirror shaped like samples/lfnkr.")
    ap.add_argument("--posts", type=int, required=True, help="number of posts")
    ap.add_argument("--out", required=True, help="output folder (the mirror root; must be empty or absent)")
    ap.add_argument("--images", dest="images", action="store_true", default=False, help="write images (about 1 per 5 posts)")
    ap.add_argument("--no-images", dest="images", action="store_false")
    ap.add_argument("--seed", default="1", help="RNG seed (same arguments -> byte-identical output)")
    ap.add_argument("--sample", default=os.path.join(here, "..", "samples", "lfnkr"), help="sample mirror to take words from")
    a = ap.parse_args()
    if a.posts < 1:
        sys.exit("generate_mirror: --posts must be >= 1")
    if os.path.exists(a.out) and os.listdir(a.out):
        sys.exit("generate_mirror: %s exists and is not empty" % a.out)
    t0 = time.time()

    def progress(msg):
        print("generate_mirror: %s (%.1fs)" % (msg, time.time() - t0), flush=True)

    vocab = Vocabulary(os.path.normpath(a.sample))
    progress("vocabulary: %d pages, %d sentences, %d words, %d CJK terms, %d categories, %d tags from %s"
             % (vocab.pages, len(vocab.sentences), vocab.words, len(vocab.cjk), len(vocab.categories),
                len(vocab.tags), os.path.normpath(a.sample)))
    rng = random.Random("generate_mirror/%s/%d/%s" % (a.seed, a.posts, a.images))
    r = rng.random
    tm = TextMaker(vocab, rng)
    posts = make_posts(a.posts, rng, tm, vocab, a.images)
    site = Site(vocab, posts)
    out = Writer(a.out)
    progress("planned %d posts, %04d-%02d .. %04d-%02d" % (len(posts), posts[0].y, posts[0].m, posts[-1].y, posts[-1].m))

    jpeg_template = None
    for dirpath, dirnames, files in os.walk(vocab.host_dir):
        dirnames.sort()
        for f in sorted(files):
            if f.endswith(".jpg") and jpeg_template is None:
                jpeg_template = open(os.path.join(dirpath, f), "rb").read()
    jpeg_dims = jpeg_size(jpeg_template) if jpeg_template else None

    # ---- singles, oldest first (ids and links only to known posts)
    n = len(posts)
    step = max(1, n // 10)
    images = 0
    months_with_posts = sorted({(p.y, p.m) for p in posts})
    for p in posts:
        budget = p.words
        blocks, words = [], 0
        intro_n = 1 + int(r() * 2)
        links = int(r() * 4)
        missing = r() < 0.03
        external = r() < 0.05
        backstory = r() < 0.05
        while words < budget:
            para, w = tm.paragraph(min(120, budget - words + 10))
            words += w
            if p.cjk and len(blocks) in (1, 3):
                para += " " + esc(tm.cjk_phrase()) + " " + esc(tm.sentence(20))
            if links and len(blocks) >= intro_n and r() < 0.5:
                q = posts[int(r() * n)]
                para += ' See also: <a href="%s">%s</a>.' % (q.url, esc(q.title))
                links -= 1
            if missing and len(blocks) == intro_n:
                para += (' (See our <a href="%s/%04d/%02d/%02d/%s-draft/">earlier report</a>.)'
                         % (S, p.y, p.m, p.d, p.slug) if r() < 0.5 else
                         ' (From our <a href="%s/2002/%02d/">archives</a>.)' % (S, 1 + int(r() * 7)))
            if external and len(blocks) == intro_n + 1:
                para += ' More at <a href="%s">%s</a>.' % (esc_attr(vocab.external[int(r() * len(vocab.external))]),
                                                          esc(tm.title()))
            if backstory and len(blocks) == intro_n + 2:
                # as the real site does: a monthly archive linked with its URL as the text
                k = bisect.bisect_right(months_with_posts, (p.y, p.m)) - 1
                y, m = months_with_posts[int(r() * (k + 1))]
                para += (' If you&#8217;d like to read the back-story, refer to: <a href="%s/%04d/%02d/">%s/%04d/%02d/</a>'
                         % (S, y, m, S, y, m))
            if len(blocks) > intro_n and r() < 0.08:
                blocks.append('<h3 class="wp-block-heading">%s</h3>' % esc(tm.title()))
            blocks.append("<p>%s</p>" % para)
        if len(blocks) <= intro_n:
            blocks.append("<p>%s</p>" % tm.paragraph(60)[0])
        p.intro = "\n\n".join(blocks[:intro_n])
        body = blocks[:intro_n] + ['<p><span id="more-%d"></span></p>' % p.id]
        rest = blocks[intro_n:]
        if p.image:
            images += 1
            is_png = r() < 0.5 or jpeg_template is None
            target = 20000 + int(180000 * r() ** 2)
            name = "%s-%d.%s" % (p.slug[:40].rstrip("-"), p.id, "png" if is_png else "jpg")
            rel = "wp-content/uploads/%04d/%02d/%s" % (p.y, p.m, name)
            if is_png:
                data, w, h = png_bytes(rng, target)
            else:
                data = jpeg_bytes(rng, jpeg_template, target)
                w, h = jpeg_dims or (320, 200)
            out.write(rel, data)
            cap = esc(" ".join(tm.sentence(14).split()[:10]).rstrip(".,;:"))
            rest.insert(min(1, len(rest)), '<figure class="wp-block-image size-large"><img loading="lazy" decoding="async" width="%d" height="%d" src="%s/%s" alt="%s" class="wp-image-%d" /><figcaption class="wp-element-caption">%s</figcaption></figure>'
                        % (w, h, S, rel, esc_attr(html.unescape(cap)), p.id + 1, cap))
        content = "\n\n".join(body + rest)
        prev_p = posts[p.i - 1] if p.i > 0 else None
        next_p = posts[p.i + 1] if p.i + 1 < n else None
        desc = html.unescape(re.sub(r"<[^>]+>", "", blocks[0]))[:160]
        page = site.single(p, content, prev_p, next_p, desc)
        out.write(p.url[len(S) + 1:] + "index.html", page)
        if p.i % 1000 == 0:
            out.write("index.html?p=%d.html" % p.id, page)  # the short link, as wget saves "/?p=ID"
        if (p.i + 1) % step == 0 or p.i + 1 == n:
            progress("posts %d/%d, %d images, %d files, %.1f MB" % (p.i + 1, n, images, out.files, out.bytes / 1e6))

    # ---- listings, newest first
    newest = posts[::-1]

    def paged(base_rel, base_url, title, body_class, header_html, items, is_home=False):
        pages = max(1, (len(items) + PER_PAGE - 1) // PER_PAGE)
        for k in range(pages):
            url = base_url if k == 0 else "%spage/%d/" % (base_url, k + 1)
            rel = base_rel + ("" if k == 0 else "page/%d/" % (k + 1)) + "index.html"
            older = "%spage/%d/" % (base_url, k + 2) if k + 1 < pages else None
            newer = None if k == 0 else (base_url if k == 1 else "%spage/%d/" % (base_url, k))
            t = title if k == 0 else title.replace(" &#8211; ", " &#8211; Page %d &#8211; " % (k + 1), 1)
            bc = body_class + ("" if k == 0 else " paged paged-%d" % (k + 1))
            out.write(rel, site.listing_page(t, url, bc, header_html, items[k * PER_PAGE:(k + 1) * PER_PAGE],
                                             older, newer, is_home and k == 0))
        return pages

    def header(label, name):
        return ('\t\t\t<header class="page-header">\n\t\t\t\t<h1 class="page-title">%s: <span>%s</span></h1>\t\t\t</header><!-- .page-header -->\n'
                % (label, name))

    count = paged("", S + "/", "%s &#8211; %s" % (SITE_NAME, TAGLINE), "home blog", "", newest, is_home=True)
    progress("home: %d listing pages" % count)
    by_cat, by_tag, by_month = {}, {}, {}
    for p in newest:
        for c in p.cats:
            by_cat.setdefault(c, []).append(p)
        for t in p.tags:
            by_tag.setdefault(t, []).append(p)
        by_month.setdefault((p.y, p.m), []).append(p)
    count = 0
    for c in sorted(by_cat):
        slug, name, cid = vocab.categories[c]
        count += paged("category/%s/" % slug, site.cat_url(c), "%s Archives &#8211; %s" % (esc(name), SITE_NAME),
                       "archive category category-%s category-%d" % (slug, cid),
                       header("Category Archives", esc(name)), by_cat[c])
    progress("categories: %d listing pages" % count)
    count = 0
    for (y, m) in sorted(by_month, reverse=True):
        count += paged("%04d/%02d/" % (y, m), "%s/%04d/%02d/" % (S, y, m),
                       "%s %d &#8211; %s" % (MONTH_NAMES[m - 1], y, SITE_NAME), "archive date",
                       header("Monthly Archives", "%s %d" % (MONTH_NAMES[m - 1], y)), by_month[(y, m)])
    progress("monthly archives: %d listing pages" % count)
    count = 0
    for t in sorted(by_tag):
        count += paged("tag/%s/" % site.tag_slugs[t], site.tag_url(t),
                       "%s Archives &#8211; %s" % (esc(vocab.tags[t]), SITE_NAME),
                       "archive tag tag-%s tag-%d" % (site.tag_slugs[t], 100 + t),
                       header("Tag Archives", esc(vocab.tags[t])), by_tag[t])
    progress("tag archives: %d listing pages" % count)
    count = 0
    for slug, name, _ in AUTHORS:
        items = [p for p in newest if p.author == slug]
        if items:
            count += paged("author/%s/" % slug, "%s/author/%s/" % (S, slug), "%s, Author at %s" % (name, SITE_NAME),
                           "archive author author-%s" % slug,
                           header("Author Archives", '<span class="vcard">%s</span>' % name), items)
    progress("author archives: %d listing pages" % count)

    # ---- static pages, the redirect
    statics = [(12, "about", "About"), (20, "faq", "FAQ"), (22, "activities", "Activities"),
               (16, "resources", "Resources"), (18, "links", "Links"), (3, "privacy-policy", "Privacy Policy")]
    for pid, slug, title in statics:
        paras = []
        for _ in range(3 + int(r() * 5)):
            if r() < 0.25:
                paras.append('<h2 class="wp-block-heading">%s</h2>' % esc(tm.title()))
            paras.append("<p>%s</p>" % tm.paragraph(100)[0])
        if slug == "faq":
            paras.append('<p>How can I donate? Please see our <a href="%s/donate/">donation page</a>.</p>' % S)
        if slug in ("links", "resources"):
            paras.append('<ul class="wp-block-list">\n%s\n</ul>' % "\n".join(
                '<li><a href="%s">%s</a></li>' % (esc_attr(u), esc(u)) for u in vocab.external))
        if slug in ("about", "activities", "resources"):
            paras.append('<p>Reports of 2003-2014: <a href="%s/old/index.htm">older archives</a>.</p>' % S)
        out.write("%s/index.html" % slug, site.static_page(pid, slug, title, "\n\n".join(paras)))
    sm = ['<h2 class="wp-block-heading">Pages</h2>\n<ul class="wp-block-list">']
    sm += ['<li><a href="%s/%s/">%s</a></li>' % (S, slug, title) for _, slug, title in statics]
    sm.append('</ul>\n<h2 class="wp-block-heading">Categories</h2>\n<ul class="wp-block-list">')
    sm += ['<li><a href="%s">%s</a></li>' % (site.cat_url(c), esc(vocab.categories[c][1])) for c in sorted(by_cat)]
    sm.append('</ul>\n<h2 class="wp-block-heading">Older archives</h2>\n<p><a href="%s/old/index.htm">The English website of 2002&#8211;2014</a></p>' % S)
    out.write("sitemap/index.html", site.static_page(14, "sitemap", "Sitemap", "\n".join(sm)))
    out.write("donate/index.html",
              '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
              '<meta http-equiv="refresh" content="0; url=%s/about/">\n<title>Redirecting&hellip;</title>\n'
              '<link rel="canonical" href="%s/about/">\n<meta name="robots" content="noindex">\n</head>\n<body>\n'
              '<p>Our donation information has moved. Redirecting to <a href="%s/about/">%s/about/</a>&hellip;</p>\n'
              '<script>window.location.replace("%s/about/");</script>\n</body>\n</html>\n' % (S, S, S, S, S))

    # ---- the old static site
    reports = list(range(2003, 2015))
    for year in reports:
        cs = "iso-8859-1" if year in (2011, 2013) else "windows-1252"
        page = old_page("LFNKR - Annual Report %d" % year, cs, old_report(year, tm, rng), 1)
        out.write("old/reports/annual_report_%d.htm" % year,
                  page.encode("latin-1" if cs == "iso-8859-1" else "cp1252", "xmlcharrefreplace"))
    idx = ['      <h1>Welcome to LFNKR</h1>\n      <p>The English website of 2002&nbsp;-&nbsp;2014. Our news since 2015 is on our <a href="http://%s/">current website</a>.</p>\n      <ul>\n' % HOST]
    idx += ['        <li><a href="reports/annual_report_%d.htm">Annual Report %d</a>\n' % (y, y) for y in reversed(reports)]
    idx.append('      </ul>\n      <p><a href="archives/2006-2014.htm">Jan. 2006 --&gt; Dec. 2014</a><br>\n      <a href="archives/2002-2005.htm">Aug. 2002 --&gt; Dec. 2005</a></p>\n')
    out.write("old/index.htm", old_page("Life Funds for North Korean Refugees - English", "windows-1252", "".join(idx), 0).encode("cp1252"))
    for pg, title in [("about", "About Our Group"), ("faq", "Frequently Asked Questions"),
                      ("activities", "What We Are Doing"), ("contact", "Contact Us")]:
        body = "      <h1>%s</h1>\n" % title + "".join("      <p>%s</p>\n" % tm.paragraph(80)[0] for _ in range(3))
        out.write("old/%s.htm" % pg, old_page("LFNKR - " + title, "windows-1252", body, 0).encode("cp1252", "xmlcharrefreplace"))
    for name, years in [("2006-2014", range(2006, 2015)), ("2002-2005", range(2003, 2006))]:
        body = ["      <h1>Archives</h1>\n      <ul>\n"]
        for y in reversed(list(years)):
            body.append('        <li>%d &#8211; <a href="../reports/annual_report_%d.htm">Annual Report %d</a>: %s\n'
                        % (y, y, y, esc(tm.sentence(20))))
            ps = by_month.get((y, 1 + int(r() * 12)))
            if ps:
                body.append('        <li><a href="%s">%s</a>\n' % (ps[0].url, esc(ps[0].title)))
        body.append("      </ul>\n")
        out.write("old/archives/%s.htm" % name,
                  old_page("LFNKR - Archives " + name, "windows-1252", "".join(body), 1).encode("cp1252", "xmlcharrefreplace"))

    # ---- static files copied from the sample (theme, logo, old style, the Shift_JIS page)
    for rel in ["jp/index.htm", "old/style.css", "wp-content/themes/lfnkr/style.css",
                "wp-content/themes/lfnkr/js/navigation.js", "wp-content/uploads/2019/05/lfnkr-logo.png",
                "wp-includes/css/dist/block-library/style.min.css?ver=6.4.2.css"]:
        src = os.path.join(vocab.host_dir, *rel.split("/"))
        if os.path.isfile(src):
            out.write(rel, open(src, "rb").read())
    progress("done: %d posts, %d images, %d files, %.1f MB in %s" % (n, images, out.files, out.bytes / 1e6, a.out))


if __name__ == "__main__":
    main()
