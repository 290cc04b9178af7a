# UI messages for English pages. Every id here must also exist in ar.ftl (a test checks).
skip-to-content = Skip to content
nav-sections = Sections
nav-home = Home
lang-switch = اقرأ بالعربية
lang-switch-label = Read this site in Arabic
today = Today
hijri-label = Hijri date
reading-time = { $minutes ->
    [one] { $minutes } min read
   *[other] { $minutes } min read
}
byline-by = By
byline-and = and
byline-comma = ,
published = Published
updated = Updated
source-credit = First published by
corrections-title = Corrections
correction-label = Correction
tags-title = Tags
related-title = Related stories
more-headlines = More headlines
lead-story = Top story
latest = Latest
most-recent = Most recent
section-more = More in this section
read-translation = Read this article in Arabic
image-credit = Photo:
kind-news = News
kind-interview = Interview
kind-opinion = Opinion
kind-analysis = Analysis
kind-feature = Feature
newsletter-title = Newsletter
newsletter-text = The day's most important stories from the Arab world, in your inbox every morning.
newsletter-email = Email address
newsletter-submit = Sign up
newsletter-soon-title = Newsletter sign-up opens soon
newsletter-soon-text = Thank you for your interest. Sign-up is not open yet, and the address you entered was not stored.
listen-title = Listen to this article
section-page-title = { $name }
tag-page-title = Tag: { $name }
author-page-title = Stories by { $name }
list-empty = No stories here yet.
list-count = { $count ->
    [one] { $count } story
   *[other] { $count } stories
}
pagination-label = Pages
pagination-prev = Newer stories
pagination-next = Older stories
pagination-status = Page { $page } of { $pages }
not-found-title = Page not found
not-found-text = We could not find this page. It may have moved, or the address may be mistyped.
gone-title = Article withdrawn
gone-text = This article has been withdrawn by the editors.
bad-request-title = Bad request
bad-request-text = The address could not be understood.
error-title = Something went wrong
error-text = An error on our side stopped this page from loading. Please try again in a moment.
back-home = Back to the home page
footer-rights = All rights reserved.
footer-copyright = © { $year } { $site }.
footer-about = An independent news site in Arabic and English.

search-title = Search
search-results-for = Results for “{ $query }”
search-form-label = Search with filters
search-label = Search the site
search-placeholder = Search…
search-submit = Search
search-filters = Narrow the results
search-section = Section
search-author = Writer
search-any = Any
search-from = From
search-to = To
search-count = { $count ->
    [0] No stories found
    [one] One story found
   *[other] { $count } stories found
}
search-partial = No story has all of your words; these have some of them.
search-nothing = Nothing matched your search.
search-did-you-mean = Did you mean:
search-tip-spelling = Check the spelling, or try another form of the word.
search-tip-fewer = Use fewer or more general words.
search-tip-filters = Remove a filter or widen the dates.
search-prev = Better matches
search-next = More results
search-empty-query = Type a word or two to search the site.
search-only-stop-words = Those words are too common to search for. Add a more specific word.
search-truncated = Your search was long, so only its beginning was used.
search-bad-date = A date was not understood and was ignored; use the form YYYY-MM-DD.
search-bad-filter = A filter was not recognised and was ignored.
