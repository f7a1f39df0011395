"""Fixed wordings of the family's template and of the widgets pages put inside the article.

One table per language; a new wording is one line.  ``text.fold`` folds them the way
it folds page text (case, accents, Arabic hamza forms and diacritics, punctuation), so
«Publicité», "PUBLICITE" and "- Publicité -" are one line.
  source_link    the whole text of the link to the original article;
  template       lines around every article (the image-report modal): a short
                 paragraph holding one is not body;
  ad_label       the whole text of a block that labels an ad slot;
  related_label  heading of a "read also" / related box: the label alone, the label
                 then links («Lire aussi : <a>…</a> …»), and the paragraphs right
                 after a lone label that open with a link (the box's items) are not body;
  widget_label   heading of a share / print / comment widget: the label alone, the label
                 then links, a count («Commentaires (3)») or share words;
  share_word     what a share or follow bar asks («Partager», «Suivez-nous», «تابعونا»);
  share_filler   the small words around them («sur», "this article", «عبر»): a line
                 made only of these three and ``network`` names, with one network and
                 one share word, is a share bar («Partager sur Facebook | Partager
                 sur Twitter»), and so is a bare list of networks ("Facebook,
                 Twitter"); «Facebook et Instagram» is not;
  network        social networks' names as pages write them;
  credit         what opens an image credit before its colon ("Photo : AFP");
  not_source     what opens a line, or ends it right before its link, when that link is
                 a sponsor, partner, host or maker, or the author's own page
                 («Hébergé par <a>…</a>», «Le blog de l'auteur : <a>…</a>»): such a
                 link is never the article's source.
"""

from __future__ import annotations

__all__ = ["PHRASES"]

# Every language's pages write these networks in Latin letters.
_NETWORKS = (
    "Facebook",
    "Twitter",
    "X",
    "WhatsApp",
    "Telegram",
    "Instagram",
    "LinkedIn",
    "YouTube",
    "TikTok",
    "Pinterest",
    "Snapchat",
    "Messenger",
    "Dailymotion",
    "E-mail",
    "Email",
)

PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "source_link": ("Cliquez ici pour lire l'article depuis sa source",),
        "template": ("Merci d'avoir signalé", "Cette image sera automatiquement bloquée"),
        "ad_label": (
            "Publicité",
            "Pub",
            "Annonce",
            "Sponsorisé",
            "Contenu sponsorisé",
            "Suite après la publicité",
            "La suite après cette publicité",
            "Publicité - Continuez la lecture",
            "La suite après la publicité",
            "Offre spéciale",
            "Bon plan",
        ),
        "related_label": (
            "Lire aussi",
            "À lire aussi",
            "Lire également",
            "À lire également",
            "Voir aussi",
            "Sur le même sujet",
            "Lire la suite",
            "Articles similaires",
            "Articles liés",
            "Vous aimerez aussi",
            "Mots-clés",
        ),
        "widget_label": (
            "Partager",
            "Partagez",
            "Imprimer",
            "Commentaires",
            "Réagir",
            "Suivez-nous",
            "Partager cet article",
            "Imprimer cet article",
        ),
        "share_word": (
            "Partager",
            "Partagez",
            "Partage",
            "Suivez-nous",
            "Suivre",
            "Rejoignez-nous",
            "Tweeter",
        ),
        "share_filler": ("sur", "cet article", "l'article", "via", "par", "e-mail", "et", "ou"),
        "network": _NETWORKS,
        "credit": ("Photo", "Photos", "Crédit photo", "Crédits photo", "Illustration"),
        "not_source": (
            "Hébergé par",
            "Réalisé par",
            "Conçu par",
            "Développé par",
            "Propulsé par",
            "Sponsorisé par",
            "Partenaire",
            "Partenaires",
            "En partenariat avec",
            "Avec le soutien de",
            "Le blog de l'auteur",
            "Blog de l'auteur",
            "Le site de l'auteur",
        ),
    },
    "ar": {
        "source_link": (
            "اضغط هنا لقراءة الخبر من مصدره الأصلي",
            "اضغط هنا لقراءة الخبر من مصدره",
        ),
        "template": (
            "شكرا على الإبلاغ",
            "سيتم حجب هذه الصورة",
            "اضغط هنا لقراءة",
            "اضغط هنا للاطلاع",
        ),
        "ad_label": (
            "إعلان",
            "إعلانات",
            "الإعلانات",
            "إشهار",
            "محتوى مدعوم",
            "محتوى ممول",
            "يتبع بعد الإعلان",
            "عرض خاص",
        ),
        "related_label": (
            "اقرأ أيضا",
            "إقرأ أيضا",
            "اقرأ كذلك",
            "اقرأ المزيد",
            "يهمك أيضا",
            "قد يهمك",
            "قد يهمك أيضا",
            "مواضيع ذات صلة",
            "أخبار ذات صلة",
            "مقالات ذات صلة",
            "الوسوم",
        ),
        "widget_label": (
            "شارك",
            "مشاركة",
            "شارك الخبر",
            "شارك المقال",
            "طباعة",
            "التعليقات",
            "تعليقات",
            "تابعونا",
        ),
        "share_word": ("شارك", "شاركوا", "مشاركة", "تابعونا", "تابعنا"),
        "share_filler": ("على", "عبر", "في", "المقال", "الخبر", "و"),
        "network": (
            *_NETWORKS,
            "فيسبوك",
            "فيس بوك",
            "تويتر",
            "واتساب",
            "واتس اب",
            "تلغرام",
            "تيليغرام",
            "إنستغرام",
            "انستغرام",
            "يوتيوب",
            "لينكد إن",
            "تيك توك",
        ),
        "credit": ("صورة", "الصورة", "تصوير", "مصدر الصورة"),
        "not_source": (
            "برعاية",
            "بالشراكة مع",
            "بدعم من",
            "شريك",
            "الشريك",
            "استضافة",
            "تصميم وتطوير",
            "مدونة الكاتب",
        ),
    },
    "en": {
        "source_link": (
            "Click here to read the story from its source",
            # Masress's spelling.
            "Clic here to read the story from its source",
            "Click here to read the article from its source",
            "Click here to read the full article from its source",
        ),
        "template": ("Thank you for reporting", "This image will be automatically blocked"),
        "ad_label": (
            "Advertisement",
            "Advertising",
            "Ad",
            "Sponsored",
            "Sponsored content",
            "Story continues below advertisement",
            "Article continues below advertisement",
            "Advertisement - Scroll to continue",
            "Story continues after advertisement",
            "Special offer",
            "Promoted",
        ),
        "related_label": (
            "Read also",
            "Also read",
            "See also",
            "Related",
            "Related articles",
            "Related stories",
            "Related topics",
            "You may also like",
            "You might also like",
            "Read more",
            "More stories",
            "Tags",
        ),
        "widget_label": (
            "Share",
            "Share this",
            "Share this article",
            "Share this story",
            "Print",
            "Comments",
            "Follow us",
        ),
        "share_word": (
            "Share",
            "Share this article",
            "Share this story",
            "Tweet",
            "Follow us",
        ),
        "share_filler": ("on", "this", "article", "story", "via", "by", "and", "or"),
        "network": _NETWORKS,
        "credit": ("Photo", "Photo credit", "Image", "Image credit", "Picture"),
        "not_source": (
            "Sponsored by",
            "Powered by",
            "Hosted by",
            "Made by",
            "Designed by",
            "Developed by",
            "Partner",
            "Partners",
            "In partnership with",
            "Paid partnership",
            "The author's blog",
            "Author's blog",
        ),
    },
}
