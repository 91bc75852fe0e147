import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ImageUploader } from "@/components/catalog/image-uploader";
import { ProductForm } from "@/components/catalog/product-form";
import { StatusBadge } from "@/components/catalog/status-badge";
import { PageHeader } from "@/components/dashboard/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { AI_OFF_MESSAGE } from "@/server/domain/ai-writing";
import { roleAtLeast } from "@/server/domain/context";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Edit product" };

export default async function EditProductPage({ params }: PageProps<"/dashboard/[tenant]/catalog/[productId]">) {
  const { tenant: slug, productId } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(productId)) notFound();
  const api = await getServerApi();
  const [tenant, product] = await Promise.all([api.tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage), api.catalog.getProduct({ tenantSlug: slug, id: productId }).catch(rethrowForPage)]);
  const canEdit = roleAtLeast(tenant.role, "member") && tenant.status !== "suspended";
  return (
    <>
      <PageHeader
        title={product.name}
        description={`/s/${tenant.slug}/p/${product.slug}`}
        actions={
          <div className="flex items-center gap-3">
            <StatusBadge status={product.status} />
            {product.status === "published" ? (
              <Link href={`/s/${tenant.slug}/p/${product.slug}`} target="_blank" className="text-sm text-primary hover:underline">
                View on storefront
              </Link>
            ) : null}
          </div>
        }
      />
      <div className="grid gap-6">
        <Card>
          <CardHeader>
            <CardTitle>Images</CardTitle>
            <CardDescription>The first image is the product&apos;s thumbnail. Drag to reorder.</CardDescription>
          </CardHeader>
          <CardContent>
            <ImageUploader tenantSlug={tenant.slug} productId={product.id} canEdit={canEdit} maxBytes={env.MEDIA_MAX_BYTES} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Details</CardTitle>
          </CardHeader>
          <CardContent>
            <ProductForm key={product.updatedAt.toISOString()} tenantSlug={tenant.slug} canEdit={canEdit} defaultCurrency={tenant.defaultCurrency} product={product} aiOffMessage={env.ai ? null : AI_OFF_MESSAGE} />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
