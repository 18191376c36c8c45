-- CreateTable
CREATE TABLE "NotificationPreference" (
    "operatorId" TEXT NOT NULL,
    "mine" BOOLEAN NOT NULL DEFAULT true,
    "waiting" BOOLEAN NOT NULL DEFAULT true,
    "sound" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationPreference_pkey" PRIMARY KEY ("operatorId")
);
