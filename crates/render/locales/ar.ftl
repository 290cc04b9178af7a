# رسائل الواجهة للصفحات العربية. يجب أن يوجد كل معرّف هنا في en.ftl أيضاً (يتحقق اختبار من ذلك).
skip-to-content = انتقل إلى المحتوى
nav-sections = الأقسام
nav-menu = القائمة
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
hijri-equivalent = الموافق { $date }
updated = حُدّث في
source-credit = نُشر أولاً في
corrections-title = تصحيحات
correction-label = تصحيح
tags-title = الوسوم
related-title = مقالات ذات صلة
more-headlines = المزيد من الأخبار
lead-story = الخبر الرئيسي
secondary-stories = أبرز الأخبار أيضًا
most-read = الأكثر قراءة
breaking-kicker = عاجل
breaking-close = إخفاء هذا الخبر العاجل
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
newsletter-choices-later = بعد التأكيد، يمكنك إضافة الأخبار العاجلة أو الأقسام أو اللغة الأخرى.
newsletter-langs = اللغة
newsletter-lang-ar = العربية
newsletter-lang-en = الإنجليزية
newsletter-lang-both = كلتاهما
newsletter-lists = ما تريد استلامه
newsletter-list-digest = الموجز اليومي
newsletter-list-breaking = الأخبار العاجلة
newsletter-list-sections = الأقسام
popup-close = إغلاق
newsletter-signup-title = الاشتراك في النشرة البريدية
newsletter-error-email = يُرجى إدخال عنوان بريد إلكتروني صحيح، مثل name@example.com.
newsletter-error-lists = يُرجى اختيار نشرة واحدة على الأقل.
newsletter-error-rate = طلبات اشتراك كثيرة من اتصالك. يُرجى المحاولة بعد ساعة.
newsletter-sent-title = تفقّد بريدك
newsletter-sent-text = أرسلنا رسالة إلى { $email }. افتح الرابط الذي فيها لتأكيد اشتراكك؛ لن يصلك شيء قبل ذلك.
newsletter-confirmed-title = تمّ اشتراكك
newsletter-confirmed-text = شكراً لك. ستصلك أول نشرة مع العدد القادم.
newsletter-invalid-title = هذا الرابط لا يعمل
newsletter-invalid-text = الرابط ناقص أو انتهت صلاحيته. اشترك من جديد من أي صفحة ليصلك رابط جديد.
newsletter-preferences-title = تفضيلات نشرتك البريدية
newsletter-preferences-text = اختر ما يصل إلى { $email }.
newsletter-saved = حُفظت اختياراتك.
newsletter-save = احفظ اختياراتي
newsletter-unsubscribe = إلغاء الاشتراك
newsletter-unsubscribe-title = إلغاء الاشتراك
newsletter-unsubscribe-text = إيقاف كل النشرات المرسلة إلى { $email }.
newsletter-unsubscribed-title = أُلغي اشتراكك
newsletter-unsubscribed-text = لن تصل بعد الآن أي نشرة منا إلى { $email }.
newsletter-manage = إدارة اشتراكك
mail-confirm-subject = أكّد اشتراكك في النشرة البريدية
mail-confirm-heading = خطوة أخيرة
mail-confirm-text = طلب أحدٌ، وغالباً أنت، نشرتنا البريدية على هذا العنوان. أكّد الاشتراك لتبدأ في استلامها.
mail-confirm-button = تأكيد اشتراكي
mail-confirm-expires = يعمل هذا الرابط مدة { $days } أيام.
mail-manage-subject = اشتراكك في النشرة البريدية
mail-manage-heading = أنت مشترك بالفعل
mail-manage-text = طلب أحدٌ تسجيل هذا العنوان مجدداً. اشتراكك كما هو؛ يمكنك تغيير ما يصلك من هنا.
mail-manage-button = إدارة اشتراكي
mail-ignore = إن لم تطلب ذلك فتجاهل هذه الرسالة: لن يُرسل إليك شيء.
mail-read-more = اقرأ الخبر
mail-why = تصلك هذه الرسالة لأنك مشترك في نشرتنا البريدية.
mail-digest-label = الموجز اليومي
mail-breaking-label = خبر عاجل
mail-digest-subject = { $site }: أهم أخبار اليوم، { $date }
mail-section-label = { $section }: أخبار اليوم
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
list-count-over = أكثر من { $count } مقال
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
footer-links = عن الموقع والاشتراك والبحث

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

## غرفة الأخبار (/admin)
admin-title = غرفة الأخبار
admin-nav = غرفة الأخبار
admin-dashboard = لوحة التحكم
admin-articles = المقالات
admin-new-article = مقال جديد
admin-users = الفريق
admin-account = حسابي
admin-view-site = عرض الموقع
admin-switch-language = English
admin-sign-out = تسجيل الخروج
admin-sign-in = تسجيل الدخول
admin-login-title = الدخول إلى غرفة الأخبار
admin-setup-title = إعداد غرفة الأخبار
admin-setup-text = لا يوجد حساب على هذا الموقع بعد. أنشئ حساب المالك: يدير المالك الفريق والأدوار والإعدادات.
admin-setup-submit = إنشاء حساب المالك
admin-invite-title = الانضمام إلى غرفة الأخبار
admin-invite-text = أنت مدعو بدور { $role } بالعنوان { $email }. اختر اسمك كما سيراه زملاؤك وكلمة مرور.
admin-invite-accept = إنشاء حسابي
admin-name = الاسم
admin-email = البريد الإلكتروني
admin-password = كلمة المرور
admin-password-hint = { $min } أحرف على الأقل.
admin-back = رجوع
admin-none = لا شيء
role-contributor = مساهم
role-author = كاتب
role-editor = محرر
role-admin = مدير
role-owner = مالك
status-draft = مسودة
status-in_review = قيد المراجعة
status-scheduled = مجدول
status-published = منشور
status-unpublished = مسحوب
lang-ar = العربية
lang-en = الإنجليزية
admin-headline = العنوان
admin-status = الحالة
admin-language = اللغة
admin-when = آخر تعديل
admin-created-by = أنشأه
admin-in-review = بانتظار المراجعة
admin-scheduled = مجدولة
admin-my-drafts = مسوداتي
admin-recently-published = نُشرت مؤخراً
admin-dashboard-empty = { $list }: لا شيء الآن.
admin-all-published = كل المقالات المنشورة
list-separator = {"، "}
admin-filter = تصفية
admin-search-headline = العنوان يحتوي على
admin-any = الكل
admin-section = القسم
admin-author = الكاتب
admin-authors = الكتّاب
admin-count = { $count ->
    [zero] لا مقالات
    [one] مقال واحد
    [two] مقالان
    [few] { $count } مقالات
   *[other] { $count } مقالاً
}
admin-count-over = أكثر من { $count } مقال
admin-pages = الصفحات
admin-prev = الأحدث
admin-next = الأقدم
admin-edit-title = تحرير المقال
admin-new-title = مقال جديد
admin-scheduled-for = يُنشر في { $when }
admin-view-public = عرضه على الموقع
admin-revisions = النسخ السابقة
admin-problems = أمور يجب تصحيحها
admin-story = المادة
admin-standfirst = المقدمة
admin-body = النص (ماركداون)
admin-body-hint = تُفصل الفقرات بسطر فارغ. يبدأ دور المتحدث في المقابلة باسمه بخط عريض ونقطتين: **الاسم:** السؤال. يبدأ الاقتباس بالعلامة >. الصورة: ![وصف](عنوان).
admin-details = التفاصيل
admin-kind = النوع
admin-tags = الوسوم
admin-tags-hint = تُفصل بفواصل؛ تُنشأ الوسوم الجديدة تلقائياً.
admin-author-n = الكاتب { $n }
admin-author-hint = اكتب اسماً أو جزءاً منه واختر من الأسماء المقترحة (أو اكتب الاسم كاملاً).
admin-slug = الرابط المختصر
admin-slug-hint = يُصنع من العنوان إن تُرك فارغاً، ولا يتكرر في اللغة نفسها.
admin-source = المصدر
admin-source-name = نُشر أولاً في
admin-source-url = الرابط الأصلي
admin-image = الصورة الرئيسية
admin-image-file = رفع صورة
admin-image-hint = ‏JPEG أو PNG أو WebP أو GIF، بحد أقصى { $mib } ميغابايت.
admin-image-alt = وصف الصورة لمن لا يراها
admin-image-caption = التعليق
admin-image-credit = حقوق الصورة
admin-image-remove = إزالة الصورة
admin-seo = محركات البحث
admin-seo-title = العنوان لمحركات البحث (إن اختلف عن العنوان)
admin-seo-description = الوصف لمحركات البحث (إن اختلف عن المقدمة)
admin-publishing = النشر
admin-publish-at = موعد النشر (المنطقة الزمنية { $zone })
admin-save = حفظ
admin-preview = معاينة
admin-preview-hint = تظهر المعاينة هنا أثناء الكتابة.
admin-autosaved = حُفظت المسودة تلقائيًا في { $when }.
admin-autosave-stale = لم تُحفظ تلقائيًا: حفظ شخص آخر هذا المقال بعد أن فتحته. احفظ يدويًا لترى ما يجب دمجه.
admin-autosave-invalid = لم تُحفظ تلقائيًا بعد: { $field }: { $reason }
admin-autosave-failed = لم تُحفظ تلقائيًا: لم يُجب الخادم. نصك ما زال هنا؛ اضغط «حفظ».
admin-unsaved = لديك تعديلات لم تُحفظ بعد.
admin-md-toolbar = التنسيق
admin-md-bold = عريض
admin-md-italic = مائل
admin-md-link = رابط
admin-md-heading = عنوان فرعي
admin-md-quote = اقتباس
admin-md-turn = دور في حوار
admin-md-image = صورة
admin-md-text = نص
admin-md-speaker = الاسم
admin-md-alt = وصف
admin-submit-review = إرسال للمراجعة
admin-schedule = جدولة
admin-publish = نشر الآن
admin-unpublish = سحب المقال
admin-correction = إضافة تصحيح
admin-correction-note = ما الخطأ وما الذي تغيّر
admin-correction-add = نشر التصحيح
admin-translation = الترجمة
admin-translation-of = المادة نفسها باللغة الأخرى
admin-translation-link = ربط الترجمة
admin-revisions-title = النسخ السابقة من «{ $headline }»
admin-back-to-editor = العودة إلى المحرر
admin-diff = التغييرات من النسخة { $from } إلى النسخة { $to }
admin-version = النسخة
admin-saved-by = حفظها
admin-actions = إجراءات
admin-current = الحالية
admin-show-changes = عرض التغييرات
admin-restore = استعادة هذه النسخة
admin-invite = دعوة زميل
admin-invite-send = إنشاء الدعوة
admin-invite-created = أُنشئت دعوة لـ { $email }. أرسل إليه هذا الرابط؛ يعمل مرة واحدة خلال { $days } أيام.
admin-invite-link = رابط الدعوة
admin-role = الدور
admin-state = الحساب
admin-change = تغيير
admin-active = نشط
admin-inactive = معطّل
admin-deactivate = تعطيل
admin-reactivate = إعادة التفعيل
admin-change-password = تغيير كلمة المرور
admin-current-password = كلمة المرور الحالية
admin-new-password = كلمة المرور الجديدة
admin-sign-out-everywhere = الخروج من كل الأجهزة
admin-sign-out-everywhere-text = ينهي كل جلسات حسابك على كل الأجهزة، بما فيها هذا الجهاز، ويلغي كل مفاتيحك الشخصية للواجهة البرمجية.
admin-saved = حُفظ.
admin-submitted = أُرسل للمراجعة.
admin-published = نُشر.
admin-scheduled-notice = جُدول للنشر في { $when }.
admin-unpublished = سُحب المقال: صار رابطه يجيب بأنه أُزيل.
admin-restored = استُعيدت النسخة { $version } نسخةً جديدة.
admin-corrected = نُشر التصحيح.
admin-linked = رُبطت الترجمة.
admin-password-changed = تغيّرت كلمة المرور وانتهت جلساتك الأخرى.
admin-role-changed = تغيّر الدور.
admin-deactivated = عُطّل الحساب، وبقيت مقالاته.
admin-reactivated = أُعيد تفعيل الحساب.
admin-signed-out = سجّلت خروجك.
admin-error-login = البريد الإلكتروني أو كلمة المرور غير صحيحة.
admin-error-limited = محاولات دخول فاشلة كثيرة. انتظر { $minutes } دقيقة ثم حاول مجدداً.
admin-error-csrf = انتهت صلاحية هذا النموذج (أو أُرسل من موقع آخر). أعد تحميل الصفحة وحاول مجدداً؛ لم يُحفظ شيء.
admin-error-forbidden = دورك لا يسمح بهذا.
admin-error-conflict = حفظ شخص آخر هذا المقال بعد أن فتحته. لم يُستبدل شيء: نصك ما زال أدناه. افتح المقال من جديد في نافذة أخرى ثم ادمج تعديلاتك.
admin-error-invalid = يرجى تصحيح ما يلي:
admin-error-image = لم تُقبل الصورة ولم تُخزَّن. تعديلاتك الأخرى محفوظة أدناه؛ اختر الصورة مجدداً بعد إصلاح المشكلة.
admin-error-invite = رابط الدعوة هذا استُخدم أو انتهت صلاحيته. اطلب دعوة جديدة من المدير.
admin-error-password = كلمة المرور الحالية غير صحيحة.
admin-error-publish-at = حدد تاريخاً ووقتاً في المستقبل للجدولة.
admin-error-not-found = هذا المقال غير موجود.
admin-error-failed = حدث خطأ من جهتنا ولم يتغيّر شيء. حاول مجدداً.
admin-taxonomy = الأقسام والوسوم
admin-sections = الأقسام
admin-section-new = قسم جديد
admin-section-create = إنشاء القسم
admin-name-ar = الاسم بالعربية
admin-name-en = الاسم بالإنجليزية
admin-position = الترتيب
admin-taxonomy-saved = حُفظ، وتظهر التغييرات في كل الصفحات.
admin-tags-text = وسوم لغة واحدة مرتبة بالاسم، { $count } في الصفحة، ومع كل وسم عدد المقالات (بأي حالة) التي تحمله.
admin-tags-search = الاسم أو الرابط المختصر يحتوي على
admin-tags-find = ابحث في الوسوم
admin-tags-all = كل الوسوم
admin-tags-empty = لا يوجد وسم مطابق.
admin-tags-prev = الوسوم السابقة
admin-tags-next = الوسوم التالية
admin-webhooks = الخطافات
admin-webhooks-text = يمكن إبلاغ المواقع والتطبيقات الشريكة عند نشر مقال أو تحديثه أو سحبه. كل إرسال طلب POST بصيغة JSON موقّع (الترويسة X-Arabpress-Signature: t=الوقت,v1=توقيع HMAC-SHA256 لـ "الوقت.النص" بالمفتاح السري)؛ ويُعاد المحاولة عند الفشل بفترات متزايدة حتى ٨ مرات.
admin-webhook-created = أُضيف الخطاف. يظهر مفتاح التوقيع مرة واحدة فقط: أعطه للمستقبِل الآن.
admin-webhook-secret = مفتاح التوقيع
admin-webhook-events = الأحداث
admin-webhook-log = آخر الإرسالات
admin-webhook-event = الحدث
admin-webhook-attempts = المحاولات
admin-webhook-answer = الرد
admin-webhook-next = المحاولة التالية { $when }
admin-webhook-delete = حذف هذا الخطاف
admin-webhook-new = إضافة خطاف
admin-webhook-url = عنوان المستقبِل
admin-webhook-add = إضافة الخطاف
admin-webhook-deleted = حُذف الخطاف.
webhook-queued = بالانتظار
webhook-delivered = وصل
webhook-failed = فشل
admin-newsletter = النشرة البريدية
admin-sends = الإرساليات
admin-sends-text = ينتظر الموجز اليومي هنا مسودةً حتى يرسله محرر (ما لم يُضبط للإرسال تلقائياً)؛ أما الأخبار العاجلة فتُرسل فوراً.
admin-send-title = الإرسالية { $id }
admin-send-subject = الموضوع
admin-send-intro = الفقرة الافتتاحية
admin-send-stories = الأخبار
admin-send-now = أرسل الآن
admin-send-numbers = الرسائل
admin-send-stats = { $queued } في الانتظار، { $sent } أُرسلت، { $failed } فشلت، { $bounced } ارتدّت
admin-send-queued-at = وُضعت في الطابور
admin-send-finished-at = اكتملت
admin-send-saved = حُفظت الإرسالية.
admin-send-queued = الإرسالية في طريقها.
admin-breaking = خبر عاجل
admin-breaking-text = أرسل هذا المقال الآن إلى كل المشتركين في الأخبار العاجلة بلغته. يُرسل مرة واحدة فقط.
admin-breaking-send = أرسل خبراً عاجلاً
admin-subscriber-search = العنوان يحتوي
admin-subscriber-list = القائمة
admin-subscriber-count = { $count } مشتركاً
admin-export-csv = تصدير بصيغة CSV
admin-import = استيراد مشتركين
admin-import-text = ملف CSV فيه عنوان في كل سطر: البريد، واللغة (ar أو en أو both)، والقوائم مفصولة بمسافات (digest وbreaking وsection:SLUG). تُعدّ العناوين المستوردة مؤكَّدة؛ والعناوين الموجودة تبقى كما هي.
admin-import-file = ملف CSV
admin-import-paste = أو الصق محتوى CSV هنا
admin-import-button = استيراد
admin-import-report = أُضيف { $added }، ورُفض { $rejected }
admin-import-rejected = الصفوف المرفوضة
admin-import-line = السطر
admin-import-row = الصف
admin-import-why = السبب
admin-import-not-utf8 = الملف ليس نصاً بترميز UTF-8.
subscriber-pending = بانتظار التأكيد
subscriber-confirmed = مؤكَّد
subscriber-unsubscribed = ألغى اشتراكه
subscriber-bounced = مرتدّ
send-draft = مسودة
send-queued = قيد الإرسال
send-done = أُرسلت

admin-wire = الوكالات
admin-wire-text = تصل أخبار الوكالات من خلاصاتها (RSS أو Atom أو JSON Feed): تُفحص كل خلاصة بانتظام بطلب مشروط، ويصير كل خبر جديد فيها مقالاً يحمل اسم الوكالة ورابط الأصل، منشوراً فوراً أو بانتظار المراجعة. لا يصل الخبر نفسه مرتين، وتُجمع النسخ المتقاربة من وكالات مختلفة. الخلاصة المعطوبة أو الضخمة أو المريبة تُرفض مع السبب ولا توقف غيرها.
admin-wire-none = لا خلاصات بعد.
admin-wire-new = إضافة خلاصة
admin-wire-url = عنوان الخلاصة
admin-wire-name = سطر الإسناد
admin-wire-name-hint = اسم الوكالة كما يظهر تحت الخبر وفي التوقيع، مثل «رويترز».
admin-wire-lang = اللغة
admin-wire-section = القسم
admin-wire-mode = عند الوصول
admin-wire-review = ينتظر المراجعة
admin-wire-publish = يُنشر فوراً
admin-wire-interval = الفحص كل (دقائق)
admin-wire-every = كل { $minutes } دقيقة
admin-wire-stories = الأخبار الواردة
admin-wire-last = آخر فحص
admin-wire-error = السبب
admin-wire-next = الفحص التالي
admin-wire-paused-state = موقوفة
admin-wire-add = إضافة الخلاصة
admin-wire-poll = افحص الآن
admin-wire-pause = إيقاف
admin-wire-resume = استئناف
admin-wire-delete = حذف الخلاصة
admin-wire-added = أُضيفت الخلاصة، وستُفحص خلال دقيقة.
admin-wire-paused = أُوقفت الخلاصة.
admin-wire-resumed = استُؤنفت الخلاصة.
admin-wire-deleted = حُذفت الخلاصة؛ بقيت أخبارها.
admin-wire-polled = فُحصت الخلاصة: { $count } خبر جديد.
admin-wire-poll-failed = تعذّر فحص الخلاصة الآن؛ السبب في بطاقتها.
admin-wire-refused = لم تُضف الخلاصة:
wire-status-new = لم تُفحص بعد
wire-status-ok = تمّ
wire-status-not-modified = لا جديد
wire-status-error = رُفضت

## The spoken article
listen-download = نزّل التسجيل الصوتي للمقال
listen-play = تشغيل
listen-pause = إيقاف مؤقت
listen-seek = موضع الاستماع
listen-speed = سرعة التشغيل
listen-close = إغلاق
podcast-subject = مقالات مسموعة
podcast-description = مقالات { $site } مقروءة بصوت آلي، بالعربية.

admin-audio-title = المقالات المسموعة
admin-audio-on = تُقرأ المقالات المنشورة بصوت آلي.
admin-audio-off = الصوت متوقف:
admin-audio-counts = لها تسجيل: { $ready } · تعذّر تسجيلها: { $failed } · في الانتظار: { $waiting }
admin-audio-ready = جاهز ({ $length })
admin-audio-failed = تعذّر التسجيل: { $error }. ستُعاد المحاولة لاحقاً.
admin-audio-waiting = في انتظار التسجيل.
admin-audio-listen = استمع

# التعديلات المحفوظة للمراجعة، ومفاتيح الواجهة الشخصية
admin-saved-for-review = حُفظ التعديل للمراجعة: هذا المقال منشور ولا يسمح دورك بتغييره، فسيطبّق محرّر تعديلك أو يتجاهله. المقال المنشور لم يتغيّر.
admin-pending-title = تعديلات بانتظار المراجعة
admin-pending-none = لا تعديل بانتظار المراجعة.
admin-pending-based-on = مبني على النسخة { $version }
admin-pending-apply = طبّق هذا التعديل وانشره
admin-pending-discard = تجاهل هذا التعديل
admin-pending-applied = طُبّق التعديل نسخةً جديدة.
admin-pending-discarded = تُجوهل التعديل.
admin-tokens = مفاتيح الواجهة البرمجية الشخصية
admin-tokens-all = مفاتيح الواجهة البرمجية لكل الأعضاء
admin-tokens-none = لا مفتاح شخصياً.
admin-tokens-text = تُنشأ المفاتيح بالأمر «arabpress token create»، ويعمل كل مفتاح حتى تنتهي مدته أو يُلغى. الخروج من كل الأجهزة وتغيير كلمة المرور وتعطيل الحساب تلغي كل مفاتيحه.
admin-token-name = الاسم
admin-token-owner = العضو
admin-token-created = أُنشئ
admin-token-expires = ينتهي
admin-token-state = الحالة
admin-token-live = يعمل
admin-token-expired = انتهت مدته
admin-token-revoked-state = أُلغي
admin-token-revoke = ألغِ
admin-token-revoked = أُلغي المفتاح.

## المهام الخلفية (غرفة الأخبار، للمالك والمديرين)

admin-jobs = المهام الخلفية
admin-jobs-text = ما فعلته آخر مرة المهامُّ الخلفية على كل خادم: نشر المقالات المجدولة، وإرسال البريد والخطافات، وجلب موجزات الوكالات، وقراءة المقالات صوتياً. المهمة التي تتعثر تُعاد بعد انتظار يطول في كل مرة؛ وزر «شغّلها الآن» يطلب من كل خادم يشغّلها أن يبدأ جولة فوراً.
admin-jobs-of-node = المهام على هذا الخادم
admin-jobs-this-node = هذا الخادم
admin-jobs-job = المهمة
admin-jobs-last-ok = آخر نجاح
admin-jobs-next = الجولة التالية
admin-jobs-reason = آخر تعثر
admin-jobs-run = شغّلها الآن
admin-jobs-run-named = شغّلها الآن: { $job }
admin-jobs-seen = آخر تقرير من هذا الخادم:
admin-jobs-empty = لم يبلّغ أي خادم عن مهامه بعد.
admin-jobs-running = قيد التشغيل
admin-jobs-waiting = في الانتظار
admin-jobs-failing = { $n ->
    [one] تعثرت (مرة واحدة)
    [two] تتعثر (مرتين متتاليتين)
    [few] تتعثر ({ $n } مرات متتالية)
   *[other] تتعثر ({ $n } مرة متتالية)
}
admin-queue = الأعمال المنتظرة
admin-queue-text = أعمال تتبع كل تغيير، تُسجَّل في الخطوة نفسها التي يُحفظ فيها التغيير فلا يضيع منها شيء: كل مقال يُنشر أو يُعدَّل ينتظر هنا أن يُقرأ صوتياً. العمل الذي يتعثر يُعاد لاحقاً، وسبب تعثره أدناه.
admin-queue-work = المسجَّل
admin-queue-counts = المسجَّل: { $queued } · حان وقته: { $due } · قيد التشغيل: { $running } · متعثر: { $failing }
admin-queue-caption = الأعمال المسجَّلة حسب المهمة
admin-queue-delivery = الإرسال { $id }
admin-queue-empty = لا شيء ينتظر.
admin-queue-retry = أعد المتعثر الآن
admin-queue-retry-named = أعد المتعثر الآن: { $job }
admin-queue-failures = الأعمال المتعثرة
admin-queue-article = المقال { $id }
admin-queue-next = المحاولة التالية
admin-jobs-retried = حان وقت الأعمال المتعثرة من جديد: ستبدأ الخوادم التي تشغّلها جولة الآن.
admin-jobs-gone = انقطعت أخباره
admin-jobs-asked = سيبدأ كل خادم يشغّل هذه المهمة جولة الآن.
job-publish-due = نشر المقالات المجدولة
job-webhooks = إرسال الخطافات
job-mail = تسليم البريد
job-digests = إعداد النشرات اليومية
job-wire-feeds = جلب موجزات الوكالات
job-speak = قراءة المقالات صوتياً
job-purge-sessions = حذف الجلسات المنتهية
job-purge-cdn = إبلاغ شبكة التوزيع بما تغيّر
job-follow-changes = متابعة تغييرات الخوادم الأخرى
job-flush-reads = حفظ القراءات المعدودة

## سجل التدقيق (غرفة الأخبار، للمالك والمديرين)
admin-audit = سجل التدقيق
admin-audit-text = كل ما جرى في غرفة الأخبار، الأحدث أولاً: متى، ومن فعله، وماذا فعل، وبأي عنصر.
admin-audit-action = الإجراء
admin-audit-member = العضو
admin-audit-entity = نوع العنصر
admin-audit-when = الوقت
admin-audit-who = مَن
admin-audit-what = الإجراء
admin-audit-on = العنصر
admin-audit-detail = التفاصيل
admin-audit-system = النظام
admin-audit-thing = { $kind } رقم { $id }
admin-audit-empty = لا سطر في السجل يطابق هذا الاختيار.
admin-audit-newest = العودة إلى الأحدث
admin-audit-action-published = نشر
admin-audit-action-scheduled = جدولة للنشر
admin-audit-action-unpublished = سحب من النشر
admin-audit-action-unscheduled = إلغاء الجدولة
admin-audit-action-audio_requeued = طلب تحويل إلى صوت من جديد
admin-audit-action-corrected = إضافة تصحيح
admin-audit-action-change_pending = تعديل بانتظار المراجعة
admin-audit-action-revision_applied = تطبيق تعديل معلّق
admin-audit-action-revision_discarded = تجاهل تعديل معلّق
admin-audit-action-restored = استعادة نسخة سابقة
admin-audit-action-setup = إعداد الموقع
admin-audit-action-invited = دعوة زميل
admin-audit-action-role_changed = تغيير الدور
admin-audit-action-deactivated = تعطيل حساب
admin-audit-action-reactivated = إعادة تفعيل حساب
admin-audit-action-password_changed = تغيير كلمة المرور
admin-audit-action-password_reset = إعادة تعيين كلمة المرور
admin-audit-action-signed_out_everywhere = الخروج من كل الأجهزة
admin-audit-action-token_revoked = إلغاء مفتاح شخصي
admin-audit-action-section_saved = حفظ قسم
admin-audit-action-tag_renamed = إعادة تسمية وسم
admin-audit-action-webhook_created = إضافة خطاف
admin-audit-action-webhook_deleted = حذف خطاف
admin-audit-action-wire_feed_added = إضافة خلاصة وكالة
admin-audit-action-wire_feed_removed = حذف خلاصة وكالة
admin-audit-action-newsletter-sent = إرسال النشرة البريدية
admin-audit-action-setting_changed = تغيير إعداد
admin-audit-entity-article = مقال
admin-audit-entity-user = عضو
admin-audit-entity-section = قسم
admin-audit-entity-tag = وسم
admin-audit-entity-webhook = خطاف
admin-audit-entity-wire_feed = خلاصة وكالة
admin-audit-entity-send = إرسالية
admin-audit-entity-settings = إعدادات الموقع

## إعدادات الموقع (غرفة الأخبار)
admin-settings = الإعدادات
admin-settings-saved = حُفظت الإعدادات، وتظهر في كل الصفحات.
footer-social = الموقع على المنصات الأخرى
settings-refused = لم يُحفظ شيء:
settings-pinned-intro = بعض القيم محددة في ملف arabpress.toml (أو في متغيرات البيئة)؛ تظهر هنا لكن لا يمكن تغييرها من هذه الصفحة.
settings-pinned = محدد في ملف الإعدادات؛ غيّره هناك.
settings-identity = الاسم والشعار النصي
settings-name-ar = اسم الموقع (بالعربية)
settings-name-en = اسم الموقع (بالإنجليزية)
settings-tagline-ar = الشعار النصي (بالعربية)
settings-tagline-en = الشعار النصي (بالإنجليزية)
settings-region = الوقت واللغة
settings-time-zone = المنطقة الزمنية (اسم IANA مثل Asia/Riyadh)
settings-default-lang = اللغة الافتراضية
settings-digits = الأرقام في الصفحات العربية
settings-digits-arabic-indic = هندية (١٢٣)
settings-digits-western = غربية (123)
settings-digits-hint = تُطبَّق على الصفحة كلها، الواجهة ونصوص المقالات معًا؛ أما الصفحات الإنجليزية فأرقامها غربية دائمًا.
settings-error-digits = اختر الأرقام الهندية أو الغربية.
settings-logo = الشعار
settings-logo-current = الشعار الحالي
settings-logo-file = شعار جديد (SVG أو PNG)
settings-logo-hint = الحد الأقصى { $limit } كيلوبايت. يُصنع من الشعار غلاف مربع للبودكاست (ومن ملف SVG حين تكون نصوصه محوّلة إلى مسارات).
settings-logo-remove = احذف الشعار
settings-artwork = صورة البودكاست
settings-artwork-none = لا غلاف للبودكاست: في ملف SVG هذا نص لا يمكن رسمه من دون خطوطه. حوّل النص إلى مسارات، أو ارفع ملف PNG.
settings-nav-ar = قائمة أقسام الموقع العربي
settings-nav-en = قائمة أقسام الموقع الإنجليزي
settings-nav-hint = اختر الأقسام التي تظهر في رأس الصفحة؛ تُرتّب بحسب أرقامها.
settings-nav-show = القسم
settings-nav-position = الترتيب
settings-social = روابط التواصل الاجتماعي
settings-social-links = عناوين صفحات الموقع على المنصات الأخرى
settings-social-hint = عنوان http(s) واحد في كل سطر؛ تظهر في تذييل كل صفحة.
settings-contact-email = عنوان البريد الإلكتروني العام لغرفة الأخبار
settings-contact-email-hint = يظهر في صفحة الاتصال، ويُعطى لأدلّة البودكاست عنوانًا لمالكه. اتركه فارغًا إن لم يكن.
settings-error-email = «{ $value }» ليس عنوان بريد إلكتروني.
settings-switches = الميزات
settings-comments = يمكن للقراء التعليق
settings-popup = اعرض النشرة البريدية في نافذة منبثقة في صفحات المقالات
settings-save = احفظ الإعدادات
settings-error-control = لا يُسمح بمحارف التحكم.
settings-error-length = اكتب من ١ إلى { $max } حرفًا.
settings-error-time-zone = «{ $value }» ليست منطقة زمنية معروفة؛ استخدم اسم IANA مثل Asia/Riyadh، أو UTC.
settings-error-language = اختر العربية أو الإنجليزية.
settings-error-section = أحد الأقسام المختارة غير موجود (أو لم يعد موجودًا).
settings-error-position = الترتيب عدد صحيح من ٠ إلى ١٠٠٠.
settings-error-social-count = { $max } روابط على الأكثر.
settings-error-url = «{ $value }» ليس عنوان http(s) لموقع.
settings-logo-empty = ملف الشعار فارغ.
settings-logo-too-large = ملف الشعار أكبر من { $limit } كيلوبايت.
settings-logo-type = يجب أن يكون الشعار ملف SVG أو PNG.
settings-logo-damaged = تعذّرت قراءة ملف PNG؛ فهو تالف أو ليس PNG.
settings-logo-pixels = أبعاد الشعار { $width }×{ $height } بكسل؛ والحد الأقصى { $limit } بكسل للضلع.
settings-logo-svg-invalid = تعذّرت قراءة ملف SVG كصورة.
settings-logo-svg-unsafe = ملف SVG يحمل نصًا برمجيًا أو يشير إلى ملفات أخرى ({ $what })؛ احفظه من دونها.
settings-error-form = تعذّرت قراءة النموذج؛ لم يُحفظ شيء.

## التحقق: ما تقوله غرفة الأخبار عن حقل مرفوض
invalid-required = هذا الحقل مطلوب.
invalid-too-long = الحد الأقصى { $max ->
    [few] { $max } أحرف
    [many] { $max } حرفًا
   *[other] { $max } حرف
} (وفي النص { $got }).
invalid-control = لا يُسمح هنا بمحارف التحكم.
invalid-url = اكتب عنوان http(s)‎ أو مسارًا في هذا الموقع.
invalid-unknown-value = «{ $value }» ليست من الخيارات المتاحة.
invalid-body-too-large = حجم المتن أكبر من ١ ميغابايت.
invalid-body-empty = المتن فارغ.
invalid-body-nesting = في المتن اقتباسات أو قوائم متداخلة أعمق من { $max ->
    [few] { $max } مستويات
    [many] { $max } مستوى
   *[other] { $max } مستوى
}؛ بسّطها.
invalid-body-render = تعذّر عرض المتن؛ بسّطه.
invalid-body-render-time = تعذّر عرض المتن خلال { $seconds ->
    [few] { $seconds } ثوانٍ
    [many] { $seconds } ثانية
   *[other] { $seconds } ثانية
}؛ اختصره أو بسّطه.
invalid-slug-none = تعذّر إنشاء عنوان للرابط من هذا العنوان الرئيسي؛ اكتب المعرّف بنفسك.
invalid-slug-long = المعرّف أطول من { $max ->
    [few] { $max } أحرف
    [many] { $max } حرفًا
   *[other] { $max } حرف
}.
invalid-slug-char = لا يحتوي المعرّف إلا على حروف صغيرة وأرقام وشرطات مفردة؛ «{ $char }» غير مسموح.
invalid-slug-hyphen = لا يبدأ المعرّف بشرطة ولا ينتهي بها ولا يحتوي على شرطتين متتاليتين.
invalid-slug-script = تُكتب كل كلمة في المعرّف بحروف عربية أو لاتينية لا بكلتيهما («{ $word }»).
invalid-authors-none = يحتاج المقال إلى كاتب واحد على الأقل.
invalid-authors-twice = ورد اسم { $author } مرتين.
invalid-no-author = لا يوجد كاتب بالمعرّف «{ $slug }».
invalid-author-shared-name = يحمل أكثر من كاتب الاسم «{ $name }»: اختر أحدهم من الأسماء المقترحة أو اكتب معرّفه.
invalid-no-section = لا يوجد قسم بالمعرّف «{ $slug }».
invalid-section-choose = اختر قسمًا.
invalid-tags-too-many = الحد الأقصى { $max ->
    [few] { $max } أوسمة
    [many] { $max } وسمًا
   *[other] { $max } وسم
}.
invalid-role = «{ $value }» ليس دورًا؛ اختر مساهمًا أو كاتبًا أو محررًا أو مديرًا أو مالكًا.
invalid-email = «{ $value }» ليس عنوان بريد إلكتروني.
invalid-no-account = لا يوجد حساب بهذا العنوان.
invalid-name = يتكوّن الاسم من حرف واحد إلى ١٠٠ حرف.
invalid-name-length = يتكوّن الاسم من حرف واحد إلى { $max ->
    [few] { $max } أحرف
    [many] { $max } حرفًا
   *[other] { $max } حرف
}.
invalid-token-name = يحتاج الرمز إلى اسم من حرف واحد إلى ١٠٠ حرف.
invalid-key-name = يحتاج المفتاح إلى اسم من حرف واحد إلى ١٠٠ حرف.
invalid-token-days = يعمل الرمز من يوم واحد إلى { $max ->
    [few] { $max } أيام
    [many] { $max } يومًا
   *[other] { $max } يوم
}.
invalid-token-revoked = أُلغي هذا الرمز من قبل.
invalid-password-short = استخدم { $min ->
    [few] { $min } أحرف
    [many] { $min } حرفًا
   *[other] { $min } حرف
} على الأقل.
invalid-password-long = استخدم ١٠٠٠ حرف على الأكثر.
invalid-publish-at-past = فات موعد النشر المحدد.
invalid-withdraw-new = لا يمكن سحب مقال جديد.
invalid-review-not-draft = لا تُرسل إلى المراجعة إلا المسودة.
invalid-autosave-not-draft = لا تُحفظ تلقائيًا إلا المسودة؛ احفظ هذا المقال بأزراره.
invalid-correction-note = اكتب ملاحظة التصحيح (لا تكون فارغة ولا طويلة جدًا).
invalid-correction-unpublished = لا يُصحَّح إلا المقال المنشور.
invalid-translation-lang = تكون الترجمة باللغة الأخرى.
invalid-version = لم يحدد النموذج النسخة المطلوبة؛ أعد تحميل الصفحة وحاول مجدداً.
invalid-translation-choose = اختر المقال الذي يترجم هذا المقال.
invalid-duplicate-self = لا يمكن أن يكون المقال نسخة من نفسه.
invalid-events = اختر من بين: { $events }.
invalid-lang = اختر العربية أو الإنجليزية.
invalid-interval = من ٥ إلى ١٤٤٠ دقيقة.
invalid-wire-name = اكتب سطر المصدر، من حرف واحد إلى ١٠٠ حرف.
invalid-wire-byline = تعذّر إنشاء اسم كاتب من هذا الاسم.
invalid-send-subject = يتكوّن الموضوع من حرف واحد إلى ٢٠٠ حرف.
invalid-send-empty = تحتاج الرسالة إلى قصة واحدة على الأقل.
invalid-breaking-unpublished = لا يُرسل خبرًا عاجلًا إلا المقال المنشور.
invalid-not-scheduled = المقال غير مجدول (ربما نُشر للتو).
invalid-speak-unpublished = لا يُحوَّل إلى صوت إلا المقال المنشور.
admin-unschedule = إعادة إلى المسودة (إلغاء الجدولة)
admin-unscheduled-done = أُلغيت الجدولة؛ عاد المقال مسودة.
admin-speak-again = تحويل إلى صوت من جديد
admin-speak-again-done = سيُحوَّل المقال إلى صوت من جديد قريبًا؛ ويبقى الصوت الحالي متاحًا حتى ذلك الحين.
invalid-url-private = العنوان مرفوض: يشير إلى عنوان خاص أو داخلي.
invalid-url-scheme = العنوان مرفوض: لا تُقبل إلا عناوين http وhttps.
invalid-url-redirects = يُعاد توجيه هذا العنوان مرات كثيرة.
invalid-image-format = الملف ليس صورة بصيغة JPEG أو PNG أو WebP أو GIF.
invalid-image-unreadable = تعذّرت قراءة ملف الصورة.
invalid-image-damaged = ملف الصورة تالف.
invalid-image-empty = الملف فارغ.
invalid-image-large = حجم الملف أكبر من { $max } ميغابايت.
invalid-image-pixels = أبعاد الصورة { $width }×{ $height } بكسل خارج الحجم المقبول (الحد الأقصى { $max } ميغابكسل).
invalid-upload-large = حجم الملف أكبر من { $max } ميغابايت.
invalid-form-utf8 = نص الحقل «{ $field }» ليس بترميز UTF-8 صالح؛ لم يُحفظ شيء.
invalid-form-unreadable = تعذّرت قراءة النموذج كاملًا؛ لم يُحفظ شيء. حاول مجددًا.
invalid-upload-cut-off = انقطع رفع الملف (ربما لأنه أكبر من المسموح)؛ لم يُحفظ شيء.

## التعارض: ما تقوله غرفة الأخبار حين يتعارض الحفظ مع المخزَّن
conflict-slug = المعرّف «{ $slug }» مستخدم لمقال آخر بهذه اللغة؛ اختر معرّفًا آخر.
conflict-slug-full = تعذّر العثور على معرّف متاح قريب من «{ $slug }»؛ اكتب معرّفًا.
conflict-stale = حفظ شخص آخر هذا المقال (النسخة { $current }) بعد أن فتحتَ النسخة { $opened }.
conflict-section = يوجد قسم بالمعرّف «{ $slug }» من قبل.
conflict-author = يوجد كاتب بالمعرّف «{ $slug }» من قبل.
conflict-account = يوجد حساب بهذا العنوان من قبل.
conflict-wire-feed = هذه الخلاصة مسجَّلة من قبل.
conflict-wire-item = وصلت مادة الوكالة هذه من قبل.
conflict-send-exists = هذه الرسالة الإخبارية موجودة من قبل.
conflict-send-state = تغيّرت حال هذه الرسالة (لم تعد مسودة، أو لم تعد في قائمة الانتظار).
conflict-breaking-sent = أُرسل هذا المقال خبرًا عاجلًا من قبل.

# صفحات الموقع عن نفسه.
info-about-title = عن { $site }
info-about-description = من ينشر { $site }، وما يغطيه، والمبادئ التي يلتزمها.
info-about-who = { $site } موقع إخباري مستقل يصدر بالعربية والإنجليزية، تحرره غرفة أخبار من المراسلين والمحررين.
info-about-what = ينشر الأخبار والمقابلات والتحليلات في هذه الأقسام:
info-about-principles-title = مبادئنا
info-about-principle-sources = نسمّي مصادر كل خبر حيث أمكن، ونذكر السبب حين لا يمكن؛ وما نقلناه عن الوكالات يحمل اسم الوكالة.
info-about-principle-separate = نفصل الخبر عن الرأي ونسمّي كلًّا منهما.
info-about-principle-corrections = نصحّح أخطاءنا علنًا: يظهر التصحيح مؤرخًا في ذيل المقال.
info-about-principle-languages = نكتب المقالات العربية والإنجليزية لقرّائها، ويدلّ كل مقال على ترجمته إن وُجدت.
info-about-more = للمزيد:
info-contact-title = اتصل بنا
info-contact-description = كيف تصل إلى غرفة أخبار { $site }.
info-contact-write = راسل غرفة الأخبار:
info-contact-none = لم تنشر غرفة الأخبار عنوانًا بعد؛ يمكنك الوصول إليها عبر الصفحات أدناه.
info-contact-error = للإبلاغ عن خطأ في مقال، راجع
info-contact-newsletter = لتصلك أخبارنا بالبريد الإلكتروني:
info-corrections-title = سياسة التصحيح
info-corrections-description = كيف يصحّح { $site } أخطاءه، وآخر التصحيحات.
info-corrections-policy = حين نخطئ نقول ذلك. يُضاف التصحيح إلى المقال فور التثبّت من الخطأ، بتاريخه وبما تغيّر؛ ولا يُعاد تحرير المقال خفيةً.
info-corrections-how = تظهر التصحيحات في ذيل المقال المصحَّح، وتُدرج أدناه، الأحدث أولًا. أما تعديلات الإملاء والأسلوب التي لا تغيّر معلومة فتُجرى بلا ملاحظة.
info-corrections-report = إن رأيت خطأً في مقال فأخبرنا:
info-corrections-latest = آخر التصحيحات
info-corrections-none = لم يُصحَّح أي مقال بعد.
admin-ribbon = شريط الأخبار العاجلة
admin-ribbon-text = اعرض هذا المقال أعلى كل صفحات لغته، مكان أي خبر عاجل آخر. يغادر الشريط وحده بعد الساعات المختارة.
admin-ribbon-hours = لكم ساعة
admin-ribbon-show = اعرضه في الشريط
admin-ribbon-on = في الشريط حتى { $until }.
admin-ribbon-remove = أزله من الشريط
admin-ribbon-shown = المقال في شريط الأخبار العاجلة في كل الصفحات.
admin-ribbon-removed = أُزيل المقال من الشريط.
admin-audit-action-breaking_shown = عرض خبرًا عاجلًا
admin-audit-action-breaking_removed = إزالة من شريط الأخبار العاجلة
invalid-breaking-hours = اختر من ١ إلى ٤٨ ساعة.
