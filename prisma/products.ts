// The shop's catalog as seed data: a small coffee & tea roaster, "Kettle & Crema".
// prisma/seed.ts upserts these by slug; every image is a hand-drawn SVG shipped in
// public/products/ (no external image hosts).

export type SeedProduct = {
  slug: string;
  name: string;
  description: string;
  category: "Coffee" | "Tea" | "Brewing gear";
  priceCents: number;
  imagePath: string;
};

const image = (slug: string) => `/products/${slug}.svg`;

export const products: SeedProduct[] = [
  {
    slug: "ethiopia-yirgacheffe",
    name: "Ethiopia Yirgacheffe",
    description:
      "A washed heirloom coffee from the Gedeo highlands with notes of jasmine, bergamot and ripe peach. Light roast, 250 g whole bean.",
    category: "Coffee",
    priceCents: 1650,
    imagePath: image("ethiopia-yirgacheffe"),
  },
  {
    slug: "colombia-huila",
    name: "Colombia Huila",
    description:
      "Caramel sweetness and red apple from smallholder farms around Pitalito. Medium roast, 250 g whole bean.",
    category: "Coffee",
    priceCents: 1400,
    imagePath: image("colombia-huila"),
  },
  {
    slug: "house-espresso-blend",
    name: "House Espresso Blend",
    description:
      "Our everyday espresso: Brazilian and Guatemalan beans roasted for chocolate, hazelnut and a syrupy body that loves milk. 500 g whole bean.",
    category: "Coffee",
    priceCents: 2200,
    imagePath: image("house-espresso-blend"),
  },
  {
    slug: "sumatra-mandheling",
    name: "Sumatra Mandheling",
    description:
      "Wet-hulled and full bodied, with cedar, dark cocoa and a long earthy finish. Medium-dark roast, 250 g whole bean.",
    category: "Coffee",
    priceCents: 1550,
    imagePath: image("sumatra-mandheling"),
  },
  {
    slug: "swiss-water-decaf",
    name: "Swiss Water Decaf",
    description:
      "Decaffeinated with nothing but water, so the milk-chocolate and toffee flavours stay. 250 g whole bean.",
    category: "Coffee",
    priceCents: 1500,
    imagePath: image("swiss-water-decaf"),
  },
  {
    slug: "sencha-green-tea",
    name: "Sencha Green Tea",
    description:
      "First-flush sencha from Shizuoka: grassy, bright and a little sweet. Steep at 75 °C for one minute. 100 g loose leaf.",
    category: "Tea",
    priceCents: 1200,
    imagePath: image("sencha-green-tea"),
  },
  {
    slug: "earl-grey-cream",
    name: "Earl Grey Cream",
    description:
      "Assam and Ceylon black teas with Calabrian bergamot and a hint of vanilla. 100 g loose leaf.",
    category: "Tea",
    priceCents: 1100,
    imagePath: image("earl-grey-cream"),
  },
  {
    slug: "masala-chai",
    name: "Masala Chai",
    description:
      "Strong Assam with cardamom, cinnamon, ginger and clove, made to be simmered with milk. 100 g loose leaf.",
    category: "Tea",
    priceCents: 1050,
    imagePath: image("masala-chai"),
  },
  {
    slug: "chamomile-blossom",
    name: "Chamomile Blossom",
    description:
      "Whole Egyptian chamomile flowers for a honeyed, caffeine-free evening cup. 50 g.",
    category: "Tea",
    priceCents: 950,
    imagePath: image("chamomile-blossom"),
  },
  {
    slug: "ceremonial-matcha",
    name: "Ceremonial Matcha",
    description:
      "Stone-ground shade-grown tencha from Uji, vivid green and creamy with no bitterness. Whisk 2 g into 70 ml of water at 80 °C. 30 g tin.",
    category: "Tea",
    priceCents: 2400,
    imagePath: image("ceremonial-matcha"),
  },
  {
    slug: "ceramic-pour-over-dripper",
    name: "Ceramic Pour-Over Dripper",
    description:
      "A glazed porcelain cone that holds heat for an even extraction. Fits size 02 filters and most mugs.",
    category: "Brewing gear",
    priceCents: 2800,
    imagePath: image("ceramic-pour-over-dripper"),
  },
  {
    slug: "gooseneck-kettle",
    name: "Gooseneck Kettle",
    description:
      "A 1-litre stainless steel kettle with a slender spout for a slow, precise pour. Works on gas, electric and induction.",
    category: "Brewing gear",
    priceCents: 6400,
    imagePath: image("gooseneck-kettle"),
  },
  {
    slug: "french-press",
    name: "French Press, 800 ml",
    description:
      "Borosilicate glass and a fine double mesh filter for four generous cups of full-bodied coffee.",
    category: "Brewing gear",
    priceCents: 3900,
    imagePath: image("french-press"),
  },
  {
    slug: "burr-hand-grinder",
    name: "Burr Hand Grinder",
    description:
      "Conical steel burrs and 40 click settings, from espresso-fine to French-press coarse. Grinds 20 g in under a minute.",
    category: "Brewing gear",
    priceCents: 8900,
    imagePath: image("burr-hand-grinder"),
  },
  {
    slug: "glass-teapot",
    name: "Glass Teapot with Infuser",
    description:
      "Watch the leaves unfurl in this 600 ml heat-proof teapot. The stainless infuser lifts out when the tea is ready.",
    category: "Brewing gear",
    priceCents: 3200,
    imagePath: image("glass-teapot"),
  },
  {
    slug: "stoneware-mug",
    name: "Stoneware Mug",
    description:
      "Hand-thrown in a small Devon pottery with a speckled oat glaze. Holds 350 ml.",
    category: "Brewing gear",
    priceCents: 1800,
    imagePath: image("stoneware-mug"),
  },
];
