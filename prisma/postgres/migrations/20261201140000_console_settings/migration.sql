-- CreateTable
CREATE TABLE "ConsoleSetting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConsoleSetting_pkey" PRIMARY KEY ("key")
);
