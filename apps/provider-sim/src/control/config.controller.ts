import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { SimConfig } from '../config/sim-config';
import { SimConfigStore } from '../config/sim-config.store';
import { SimControl } from './sim-control';

/** Fault injection at run time: partial updates merge; a patch with any wrong field changes nothing. */
@Controller('__sim')
export class ConfigController {
  constructor(
    private readonly config: SimConfigStore,
    private readonly control: SimControl,
  ) {}

  @Get('config')
  current(): SimConfig {
    return this.config.current;
  }

  @Put('config')
  update(@Body() patch: unknown): SimConfig {
    return this.control.updateConfig(patch);
  }

  /** Everything back to how the process started: config, messages, opt-outs, stats, pending callbacks. */
  @Post('reset')
  @HttpCode(200)
  reset(): SimConfig {
    return this.control.resetAll();
  }
}
