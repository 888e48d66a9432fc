import { Controller, Get } from '@nestjs/common';
import { BinsAnswer, CategoriesAnswer } from '@bin-alert/domain';
import { ReferenceDataRepository } from '@bin-alert/persistence';
import { ApiDoc, Public } from '@bin-alert/platform';
import { LIST_BINS_DOC, LIST_CATEGORIES_DOC } from './reference.docs';

/** What an operator picks from when composing an alert; public, as the application form needs it too. */
@Public()
@Controller('v1')
export class ReferenceController {
  constructor(private readonly references: ReferenceDataRepository) {}

  @Get('bins')
  @ApiDoc(LIST_BINS_DOC)
  async bins(): Promise<BinsAnswer> {
    return { bins: (await this.references.listBins()).map(({ id, name, kind, policeZone }) => ({ id, name, kind, policeZone })) };
  }

  @Get('categories')
  @ApiDoc(LIST_CATEGORIES_DOC)
  async categories(): Promise<CategoriesAnswer> {
    return { categories: (await this.references.listCategories()).map(({ code, name, rule, defaultUrgency }) => ({ code, name, rule, defaultUrgency })) };
  }
}
