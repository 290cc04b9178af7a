# رسائل الواجهة للصفحات العربية. يجب أن يوجد كل معرّف هنا في en.ftl أيضاً (يتحقق اختبار من ذلك).
skip-to-content = انتقل إلى المحتوى
nav-sections = الأقسام
nav-home = الرئيسية
lang-switch = Read in English
lang-switch-label = اقرأ الموقع بالإنجليزية
today = اليوم
hijri-label = التاريخ الهجري
reading-time = { $minutes ->
    [one] قراءة في دقيقة واحدة
    [two] قراءة في دقيقتين
    [few] قراءة في { $minutes } دقائق
   *[other] قراءة في { $minutes } دقيقة
}
byline-by = بقلم
byline-and = و
byline-comma = ،
published = نُشر في
updated = حُدّث في
source-credit = نُشر أولاً في
corrections-title = تصحيحات
correction-label = تصحيح
tags-title = الوسوم
related-title = مقالات ذات صلة
more-headlines = المزيد من الأخبار
lead-story = الخبر الرئيسي
latest = آخر الأخبار
most-recent = الأحدث
section-more = المزيد في هذا القسم
read-translation = اقرأ هذا المقال بالإنجليزية
image-credit = تصوير:
kind-news = خبر
kind-interview = حوار
kind-opinion = رأي
kind-analysis = تحليل
kind-feature = تقرير
newsletter-title = النشرة البريدية
newsletter-text = أهم أخبار العالم العربي في بريدك كل صباح.
newsletter-email = البريد الإلكتروني
newsletter-submit = اشترك
newsletter-soon-title = الاشتراك في النشرة البريدية يُفتح قريباً
newsletter-soon-text = شكراً لاهتمامك. لم يُفتح الاشتراك بعد، ولم نحفظ العنوان الذي أدخلته.
listen-title = استمع إلى هذا المقال
section-page-title = { $name }
tag-page-title = وسم: { $name }
author-page-title = مقالات { $name }
list-empty = لا توجد مقالات هنا بعد.
list-count = { $count ->
    [zero] لا مقالات
    [one] مقال واحد
    [two] مقالان
    [few] { $count } مقالات
   *[other] { $count } مقالاً
}
pagination-label = الصفحات
pagination-prev = مقالات أحدث
pagination-next = مقالات أقدم
pagination-status = الصفحة { $page } من { $pages }
not-found-title = الصفحة غير موجودة
not-found-text = لم نعثر على هذه الصفحة. ربما نُقلت، أو أن في العنوان خطأً.
gone-title = سُحب هذا المقال
gone-text = سحب المحررون هذا المقال.
bad-request-title = طلب غير صالح
bad-request-text = تعذّر فهم هذا العنوان.
error-title = حدث خطأ
error-text = منع خطأ من جهتنا تحميل هذه الصفحة. يُرجى المحاولة بعد قليل.
back-home = العودة إلى الصفحة الرئيسية
footer-rights = جميع الحقوق محفوظة.
footer-copyright = © { $year } { $site }.
footer-about = موقع إخباري مستقل بالعربية والإنجليزية.

search-title = البحث
search-results-for = نتائج البحث عن «{ $query }»
search-form-label = البحث مع المرشّحات
search-label = ابحث في الموقع
search-placeholder = ابحث…
search-submit = بحث
search-filters = تضييق النتائج
search-section = القسم
search-author = الكاتب
search-any = الكل
search-from = من تاريخ
search-to = إلى تاريخ
search-count = { $count ->
    [zero] لم نعثر على مقالات
    [one] عثرنا على مقال واحد
    [two] عثرنا على مقالين
    [few] عثرنا على { $count } مقالات
   *[other] عثرنا على { $count } مقالاً
}
search-partial = لا يحوي أيّ مقال كل الكلمات التي بحثت عنها؛ هذه المقالات تحوي بعضها.
search-nothing = لم يطابق بحثك أي مقال.
search-did-you-mean = هل تقصد:
search-tip-spelling = تحقّق من الإملاء، أو جرّب صيغة أخرى للكلمة.
search-tip-fewer = استخدم كلمات أقل أو أعمّ.
search-tip-filters = أزل أحد المرشّحات أو وسّع نطاق التاريخ.
search-prev = نتائج أقرب
search-next = مزيد من النتائج
search-empty-query = اكتب كلمة أو كلمتين للبحث في الموقع.
search-only-stop-words = هذه الكلمات شائعة جداً ولا يُبحث بها. أضف كلمة أدق.
search-truncated = كان بحثك طويلاً، فاستخدمنا بدايته فقط.
search-bad-date = لم نفهم أحد التاريخين فتجاهلناه؛ اكتبه بصيغة سنة-شهر-يوم.
search-bad-filter = لم نتعرّف على أحد المرشّحات فتجاهلناه.
