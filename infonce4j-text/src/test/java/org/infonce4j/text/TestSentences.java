package org.infonce4j.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic test texts of mixed length: short sentences with punctuation and unicode, generated prose, and long passages. */
final class TestSentences {
  private TestSentences() {
  }

  static final List<String> SHORT = List.of("Hello, world!", "The quick brown fox jumps over the lazy dog.", "What is InfoNCE?",
      "Contrastive learning pulls positives together and pushes negatives apart.", "A man is playing a guitar.",
      "Vitamin D deficiency is associated with an increased risk of fractures.", "Café, naïve, résumé — façade.",
      "Ünïcödé têxt wïth dïäcrïtïcs.", "東京は日本の首都です。", "北京欢迎你", "Привет, как дела?", "Γεια σου κόσμε", "مرحبا بالعالم",
      "שלום עולם", "नमस्ते दुनिया", "I ❤️ NLP 🤖🚀!", "e = mc², ∑ᵢ xᵢ ≥ 0, √2 ≈ 1.414", "C++ vs. Java: which is faster?!",
      "https://example.org/path?query=1&x=2", "email@example.com wrote: \"quote\" (parenthesis) [brackets] {braces}", "...",
      "?!?!", "a", "  leading and trailing spaces  ", "TABS\tand\nnew\nlines", "Numbers 12345 and 3.14159 and 1e-12.",
      "BRCA1 mutations increase breast cancer risk.", "The p53 protein regulates the cell cycle.", "COVID-19 vaccines reduce hospitalisation.",
      "Mitochondria are the powerhouse of the cell.", "Smoking causes lung cancer.", "Aspirin reduces the risk of heart attack.",
      "The mean ± SD was 4.2 ± 1.1 mg/dL (n = 120; p < 0.001).", "It's a dog's life, isn't it?", "don't, won't, can't, shan't",
      "ALL CAPS SENTENCE FOR THE ENCODER", "mIxEd CaSe WoRdS", "hyphen-ated words and under_scores", "#hashtag @mention $100 50% off",
      "Straße, Maß, Fuß", "Ångström and Øresund", "İstanbul and ıi", "Œuvre, æther", "ﬁne ligatures ﬂow", "full-width ＡＢＣ１２３",
      "zero​width space", "Emoji family 👨‍👩‍👧‍👦 and flags 🇫🇷🇯🇵", "The cat sat on the mat.", "A woman is slicing an onion.",
      "Two dogs are running through a field.", "The stock market fell sharply today.", "Scientists discovered a new exoplanet.",
      "Gene expression was measured by RT-PCR.", "Insulin resistance precedes type 2 diabetes.", "The Eiffel Tower is in Paris.",
      "Water boils at 100 °C at sea level.", "Photosynthesis converts light into chemical energy.", "Where is the nearest train station?",
      "Machine translation has improved dramatically.", "Dropout regularises neural networks.", "Ça va? Oui, ça va bien.");

  private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at which but "
      + "have an they you were her she there one all we their been has when who will more no if out so said what up its about into than "
      + "them can only other new some could time these two may then do first any my now such like our over man me even most made after "
      + "also did many before must through back years where much your way well down should because each just those people how too little "
      + "state good very make world still own see men work long get here between both life being under never day same another know while "
      + "last might us great old year off come since against go came right used take three protein cell patients cancer gene expression "
      + "receptor mutation tumour antibody clinical trial randomized cohort significant increased decreased risk association mice "
      + "in-vivo in-vitro pathway signalling inhibitor dose placebo mortality incidence prevalence infection vaccine immune response "
      + "epidemiological meta-analysis hypothesis 95% CI p=0.03 (OR 1.5) [12] mRNA DNA RNA T-cells β-catenin IL-6 TNF-α").split(" ");

  /** {@code n} texts: the short ones, then generated prose of 5 to 150 words, with every fifth generated text a long passage. */
  static List<String> mixed(int n) {
    List<String> out = new ArrayList<>(SHORT);
    Random random = new Random(16);
    int k = 0;
    while (out.size() < n) {
      boolean longText = k++ % 5 == 4;
      int words = longText ? 280 + random.nextInt(400) : 5 + random.nextInt(146);
      out.add(prose(random, words));
    }
    return out.subList(0, n);
  }

  static String prose(Random random, int words) {
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < words; w++) {
      String word = WORDS[random.nextInt(WORDS.length)];
      if (sb.length() == 0 || sb.charAt(sb.length() - 2) == '.') word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
      sb.append(word);
      int p = random.nextInt(20);
      sb.append(p == 0 ? ". " : p == 1 ? ", " : p == 2 ? "; " : " ");
    }
    return sb.toString().trim();
  }
}
